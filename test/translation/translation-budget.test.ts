import { describe, expect, it } from 'vitest';
import { createMonthlyBudget, levelOf, type TranslationUsage, type UsageFigure } from '../../src/translation/index.js';
import { memoryLogger } from '../support/app.js';

/** A meter holding one month's figure, which the test moves. */
function fixedUsage(month: { characters: number }): TranslationUsage {
  const figure = (): UsageFigure => ({ characters: month.characters, requests: 1, previewCharacters: 0 });
  return { record: async () => {}, forConversation: async () => figure(), forDay: async () => figure(), forMonth: async () => figure() };
}

describe('monthly budget levels and the admins\' log line', () => {
  it('when the month passes 80 % and then 100 %, then each is logged once however often the budget is read, and non-essential translation stops at 100 %', async () => {
    const { logger, lines } = memoryLogger('info');
    const month = { characters: 79 };
    const budget = createMonthlyBudget({ usage: fixedUsage(month), limit: 100, logger, now: () => new Date('2026-12-01T10:00:00Z') });
    const budgetLines = () => lines().filter((line) => line.includes('translation budget'));

    expect(await budget.isNonEssentialAllowed()).toBe(true);
    expect(budgetLines()).toHaveLength(0);
    month.characters = 80;
    await budget.status();
    await budget.status();
    expect(await budget.isNonEssentialAllowed()).toBe(true);
    expect(budgetLines()).toHaveLength(1);
    expect(budgetLines()[0]).toContain('80 % of this month');
    month.characters = 100;
    expect(await budget.isNonEssentialAllowed()).toBe(false);
    await budget.status();
    expect(budgetLines()).toHaveLength(2);
    expect(budgetLines()[1]).toContain('messages are still translated');
    expect(await budget.status()).toMatchObject({ month: '2026-12', limit: 100, used: 100, percent: 100, level: 'exhausted' });
  });

  it('when no budget is set, then nothing is refused or logged', async () => {
    const { logger, lines } = memoryLogger('info');
    const budget = createMonthlyBudget({ usage: fixedUsage({ characters: 10 ** 9 }), limit: undefined, logger });
    expect(await budget.isNonEssentialAllowed()).toBe(true);
    expect((await budget.summary()).budget).toMatchObject({ level: 'none', used: 10 ** 9 });
    expect(lines()).toHaveLength(0);
    expect([levelOf(79, 100), levelOf(80, 100), levelOf(99, 100), levelOf(100, 100)]).toEqual(['ok', 'warning', 'warning', 'exhausted']);
  });
});
