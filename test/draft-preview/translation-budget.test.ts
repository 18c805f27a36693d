import { describe, expect, it, vi } from 'vitest';
import { createTranslationUsage, monthOf } from '../../src/translation/index.js';
import { memoryLogger } from '../support/app.js';
import { useTestDatabase } from '../support/database.js';
import { runAdmin } from '../translation/admin-commands.js';
import { openChatPages } from '../translation/chat-pages.js';
import { useDeeplServer } from '../translation/local-deepl.js';

useTestDatabase('translation_budget');

const thisMonth = async () => (await createTranslationUsage({ logger: memoryLogger().logger }).forMonth(monthOf(new Date()))).characters;

/** A Spanish customer's text of exactly `length` characters (never in the fake's dictionary). */
const spanishText = (length: number) => `Necesito ayuda con mi pedido ${'x'.repeat(length)}`.slice(0, length);

/** The chat pages with a monthly budget `room` characters above what this month has billed so far. */
async function chatWithBudget(deepl: Parameters<typeof openChatPages>[0], room: number) {
  const limit = (await thisMonth()) + room;
  const chat = await openChatPages(deepl, { TRANSLATION_MONTHLY_CHARACTERS: String(limit) });
  await chat.repAgent.post(`/support/${chat.id}/join`).type('form').send({ _csrf: chat.repToken }).expect(303);
  return { chat, limit };
}

async function customerMessageTranslated(chat: Awaited<ReturnType<typeof openChatPages>>, deepl: Parameters<typeof openChatPages>[0], body: string) {
  const before = await thisMonth();
  await chat.send.customer(body);
  await vi.waitFor(() => expect(deepl.translateLog.some((call) => call.text.includes(body) && call.targetLang === 'EN-US')).toBe(true), { timeout: 5_000 });
  // Counted after DeepL answered: wait for the meter, not only the request.
  await vi.waitFor(async () => expect(await thisMonth()).toBeGreaterThanOrEqual(before + body.length), { timeout: 5_000 });
}

describe('monthly translation budget (TRANSLATION_MONTHLY_CHARACTERS)', () => {
  const deepl = useDeeplServer();

  it('when this month\'s billed characters pass 80 % of the budget, then the rep dashboard shows a warning and `admin usage` warns; previews still work', async () => {
    const { chat, limit } = await chatWithBudget(deepl, 100);
    const dashboardBefore = await chat.repAgent.get('/support');
    expect(dashboardBefore.text).not.toContain('data-part="translation-budget-banner"');

    await customerMessageTranslated(chat, deepl, spanishText(85));

    const dashboard = await chat.repAgent.get('/support');
    expect(dashboard.text).toContain('data-part="translation-budget-banner" data-level="warning"');
    expect(dashboard.text).toMatch(/8[5-9] % of this month's translation budget is used/);
    expect(dashboard.text).toContain(`data-figure="month">${await thisMonth()}</strong> of ${limit}`);
    const output = (await runAdmin(chat.config, ['usage', '--days', '1'])).join('\n');
    expect(output).toContain(`of ${limit} characters`);
    expect(output).toContain('WARNING:');
    const preview = await chat.repAgent.post(`/api/conversations/${chat.id}/preview`).set('x-csrf-token', chat.repToken).send({ text: 'Thanks' });
    expect(preview.status).toBe(200);
  });

  it('when this month\'s billed characters reach the budget, then previews are refused with a clear message (what the memory holds is still shown), messages are still translated, and the dashboard says so', async () => {
    const { chat } = await chatWithBudget(deepl, 40);
    const previewOf = (text: string, back = false) =>
      chat.repAgent.post(`/api/conversations/${chat.id}/preview`).set('x-csrf-token', chat.repToken).send({ text, back });
    expect((await previewOf('Thank you')).status).toBe(200);
    await customerMessageTranslated(chat, deepl, spanishText(45));
    const requests = deepl.translateRequests;

    const preview = await previewOf(`Your parcel left today ${Date.now()}`, true);
    const remembered = await previewOf('Thank you');

    expect(preview.status).toBe(429);
    expect(preview.body.error.code).toBe('translation_budget_exhausted');
    expect(preview.body.error.message).toMatch(/translation budget .* is used up, so previews are paused .* Messages are still translated\./);
    expect(remembered.status).toBe(200);
    expect(remembered.body.preview.translation.text).toBe('Gracias');
    expect(deepl.translateRequests).toBe(requests);
    const later = spanishText(30).replace('Necesito', 'Gracias, necesito');
    await customerMessageTranslated(chat, deepl, later);
    const transcript = await chat.repAgent.get(`/conversations/${chat.id}/transcript?format=json`);
    expect(transcript.body.messages.at(-1).translations['EN-US']).toContain('[EN');
    const dashboard = await chat.repAgent.get('/support');
    expect(dashboard.text).toContain('data-level="exhausted"');
    expect(dashboard.text).toContain('Previews and back-translation are paused until next month; messages are still translated.');
  });
});
