// Translating what a reader sees through POST /translate: one batch request per history page (or
// per new message), only for texts not already in the reader's language. Texts the server could
// not translate come back marked, stay readable in the original, and are asked for again later,
// unless the server says translation is off (not configured): then asking again cannot help.
import type { CarriedTranslation, ConversationFormality } from '../../src/contract/chat.js';
import { t } from '../lib/i18n.js';
import { baseLanguage, isSameLanguage } from '../lib/languages.js';

export interface Translatable {
  key: string;
  text: string;
  /** The author's language, when known. */
  language: string | null;
  /** Translations a live message event carried, by reader language: used instead of asking. */
  carried?: Record<string, CarriedTranslation>;
}

export interface Translation {
  text: string;
  sourceLanguage: string | null;
  untranslated: boolean;
  /** Present when the server has no translator configured, as opposed to a passing outage. */
  off?: true;
}

interface BatchRequest {
  texts: string[];
  target_lang: string;
  source_lang?: string;
  /** The conversation's register, sent by customers' pages: reads then hit the translation made on write. */
  formality?: ConversationFormality;
}

interface BatchAnswer {
  translations: { text: string; detected_source_lang?: string | null; untranslated?: boolean; untranslated_reason?: string }[];
}

/** Who reads: the mark under an untranslated message depends on it. */
export type ReaderRole = 'customer' | 'rep';

/**
 * The mark under an untranslated message. An outage is retried, so it says so; translation that
 * is off is not: reps learn how to turn it on, customers get a neutral mark (configuration is not
 * theirs to fix).
 */
export function untranslatedNote(translation: Translation, readerRole: ReaderRole, sourceLabel: string): { text: string; tone: 'warning' | 'neutral' } {
  if (!translation.off) return { text: t('translationUnavailable', 'Translation unavailable: showing the original ({language}). Retrying…', { language: sourceLabel }), tone: 'warning' };
  if (readerRole === 'rep') {
    return { text: t('translationOff', 'Not translated ({language}): translation is off. Set DEEPL_AUTH_KEY on the server to turn it on.', { language: sourceLabel }), tone: 'neutral' };
  }
  return { text: t('notTranslated', 'Not translated ({language}).', { language: sourceLabel }), tone: 'neutral' };
}

export type PostBatch = (body: BatchRequest) => Promise<BatchAnswer>;

export function needsTranslation(language: string | null, readerLanguage: string): boolean {
  return !isSameLanguage(language ?? undefined, readerLanguage);
}

export class Translations {
  /** True once the server said translation is off; it stays off until the page is reloaded. */
  off = false;

  constructor(
    private readonly readerLanguage: string,
    private readonly post: PostBatch,
    /** For a customer reader: the conversation's current register (reps' pages send none). */
    private readonly formality?: () => ConversationFormality | undefined,
  ) {}

  /**
   * One request for all of `items` that need it. A failed request marks every text untranslated
   * instead of throwing, so the page can always show the originals.
   */
  async translate(items: readonly Translatable[]): Promise<Map<string, Translation>> {
    const results = new Map<string, Translation>();
    const wanted = items.filter((item) => item.text.trim() !== '' && needsTranslation(item.language, this.readerLanguage)).filter((item) => {
      const carried = item.carried?.[this.readerLanguage.trim().toUpperCase()];
      if (carried) results.set(item.key, { text: carried.text, sourceLanguage: carried.detectedSourceLang ?? item.language, untranslated: false });
      return !carried;
    });
    if (wanted.length === 0) return results;
    const sources = new Set(wanted.map((item) => (item.language ? baseLanguage(item.language) : '')));
    const [onlySource] = sources;
    const request: BatchRequest = { texts: wanted.map((item) => item.text), target_lang: this.readerLanguage };
    if (sources.size === 1 && onlySource) request.source_lang = onlySource;
    const formality = this.formality?.();
    if (formality) request.formality = formality;
    try {
      const { translations } = await this.post(request);
      wanted.forEach((item, index) => {
        const answer = translations[index];
        const off = answer?.untranslated === true && answer.untranslated_reason === 'off';
        if (off) this.off = true;
        results.set(item.key, {
          text: answer?.text ?? item.text,
          sourceLanguage: answer?.detected_source_lang ?? item.language,
          untranslated: !answer || answer.untranslated === true,
          ...(off ? { off: true as const } : {}),
        });
      });
    } catch {
      for (const item of wanted) results.set(item.key, { text: item.text, sourceLanguage: item.language, untranslated: true });
    }
    return results;
  }
}

/**
 * Collects texts that came back untranslated and asks again for all of them in one request,
 * waiting longer after each failure (5 s, 10 s, 20 s … up to 2 minutes).
 */
export class TranslationRetry {
  private readonly waiting = new Map<string, Translatable>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private delayMs: number;

  constructor(
    private readonly translations: Translations,
    private readonly onTranslated: (results: Map<string, Translation>) => void,
    private readonly firstDelayMs = 5_000,
    private readonly maxDelayMs = 120_000,
  ) {
    this.delayMs = firstDelayMs;
  }

  add(item: Translatable): void {
    if (this.translations.off) return;
    this.waiting.set(item.key, item);
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer !== undefined || this.waiting.size === 0) return;
    this.timer = setTimeout(() => void this.retry(), this.delayMs);
  }

  private async retry(): Promise<void> {
    this.timer = undefined;
    const items = [...this.waiting.values()];
    const results = await this.translations.translate(items);
    let progress = false;
    for (const [key, result] of results) {
      if (result.untranslated && !result.off) continue;
      this.waiting.delete(key);
      progress = true;
    }
    this.delayMs = progress ? this.firstDelayMs : Math.min(this.delayMs * 2, this.maxDelayMs);
    this.onTranslated(results);
    this.schedule();
  }
}
