import { TranslationBudgetExhaustedError, type MonthlyBudget } from './translation-budget.js';
import type { TranslateRequestOptions, TranslationBatch, TranslationOutcome, TranslationService } from './translation.service.js';

/**
 * Translation nobody strictly needs (a rep's preview of a draft, its back-translation, machine
 * translation of interface catalogs). Counted apart in the cost meter, and refused once the month's
 * budget is spent, while messages keep being translated through the service as before.
 */
export interface NonEssentialTranslation {
  isAllowed(): Promise<boolean>;
  /** Throws TranslationBudgetExhaustedError when the budget is spent and the memory lacks a text. */
  translate(texts: readonly string[], target: string, source?: string, options?: Omit<TranslateRequestOptions, 'nonEssential'>): Promise<TranslationBatch>;
}

export function createNonEssentialTranslation(deps: { service: TranslationService; budget: MonthlyBudget }): NonEssentialTranslation {
  const { service, budget } = deps;
  return {
    isAllowed: () => budget.isNonEssentialAllowed(),
    async translate(texts, target, source, options = {}) {
      if (!(await budget.isNonEssentialAllowed())) {
        // What the memory already holds costs nothing: served even past the budget.
        const hits = texts.map((text) => (text.trim() === '' ? { text, detectedSourceLang: undefined } : service.cached(text, target, source, options.register)));
        if (hits.every((hit): hit is TranslationOutcome => hit !== undefined)) return { translations: hits, upstreamCharacters: 0 };
        throw new TranslationBudgetExhaustedError((await budget.status()).month);
      }
      return service.translate(texts, target, source, { ...options, nonEssential: true });
    },
  };
}
