import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { dayOf, monthOf, type TranslationUsage, type UsageFigure } from './translation-usage.js';

/** Admins are warned from this share of the monthly budget on. */
export const budgetWarningShare = 0.8;

export type BudgetLevel = 'none' | 'ok' | 'warning' | 'exhausted';

export interface BudgetStatus {
  /** `YYYY-MM` (UTC): the budget is per calendar month. */
  month: string;
  /** TRANSLATION_MONTHLY_CHARACTERS; undefined when no budget is set. */
  limit: number | undefined;
  /** Characters billed this month (messages and previews). */
  used: number;
  /** Whole per cent of the limit used (undefined without a limit). */
  percent: number | undefined;
  /** `warning` from 80 %, `exhausted` from 100 %: previews and back-translation are then refused. */
  level: BudgetLevel;
}

/** What the dashboard shows reps: today, this month, and where the budget stands. */
export interface TranslationCostSummary {
  day: UsageFigure;
  month: UsageFigure;
  budget: BudgetStatus;
}

export interface MonthlyBudget {
  status(): Promise<BudgetStatus>;
  /** False once the month's characters reach the budget: previews, back-translation, catalog translation stop. */
  isNonEssentialAllowed(): Promise<boolean>;
  summary(): Promise<TranslationCostSummary>;
  /** Re-reads the month after characters were billed, to log the 80 % and 100 % lines once. */
  afterBilling(): void;
}

export class TranslationBudgetExhaustedError extends AppError {
  constructor(month: string) {
    super(
      429,
      'translation_budget_exhausted',
      `This month's translation budget (${month}) is used up, so previews are paused until next month. Messages are still translated.`,
    );
  }
}

export function levelOf(used: number, limit: number | undefined): BudgetLevel {
  if (limit === undefined) return 'none';
  if (used >= limit) return 'exhausted';
  return used >= limit * budgetWarningShare ? 'warning' : 'ok';
}

export function createMonthlyBudget(options: {
  usage: TranslationUsage;
  limit: number | undefined;
  logger: Logger;
  now?: () => Date;
}): MonthlyBudget {
  const { usage, limit, logger } = options;
  const now = options.now ?? (() => new Date());
  // One log line per level and month in this process, however many translations pass it.
  const logged = new Set<string>();

  function announce(status: BudgetStatus): void {
    if (status.level !== 'warning' && status.level !== 'exhausted') return;
    const key = `${status.month}:${status.level}`;
    if (logged.has(key)) return;
    logged.add(key);
    const figures = { month: status.month, used: status.used, limit: status.limit, percent: status.percent };
    if (status.level === 'warning') logger.warn(figures, 'translation budget: 80 % of this month\'s characters used');
    else logger.warn(figures, 'translation budget used up: previews and back-translation are refused until next month, messages are still translated');
  }

  function statusOf(month: string, used: number): BudgetStatus {
    const percent = limit === undefined ? undefined : Math.floor((used / limit) * 100);
    const current: BudgetStatus = { month, limit, used, percent, level: levelOf(used, limit) };
    announce(current);
    return current;
  }

  async function status(): Promise<BudgetStatus> {
    const month = monthOf(now());
    return statusOf(month, limit === undefined ? 0 : (await usage.forMonth(month)).characters);
  }

  return {
    status,
    async isNonEssentialAllowed() {
      return limit === undefined || (await status()).level !== 'exhausted';
    },
    async summary() {
      const date = now();
      const [day, month] = await Promise.all([usage.forDay(dayOf(date)), usage.forMonth(monthOf(date))]);
      return { day, month, budget: statusOf(monthOf(date), month.characters) };
    },
    afterBilling() {
      if (limit === undefined) return;
      void status().catch((error: unknown) => logger.warn({ err: error }, 'could not read the translation budget'));
    },
  };
}
