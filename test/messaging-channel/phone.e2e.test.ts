import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, signInRep } from '../support/browser.js';
import { useTestDatabase } from '../support/database.js';
import { newNumber, startPhoneHarness, SUPPORT_NUMBER, type PhoneHarness } from './phone-harness.js';

// A rep on the real dashboard in Chromium; a customer texting from their phone (the local Twilio).

useTestDatabase('e2e_phone');

let harness: PhoneHarness;
let browser: Browser;
let repPage: Page;

beforeAll(async () => {
  [harness, browser] = await Promise.all([startPhoneHarness('builtin'), launchChromium()]);
  const context = await browser.newContext({ baseURL: harness.baseUrl, viewport: { width: 1280, height: 900 } });
  repPage = await context.newPage();
  repPage.setDefaultTimeout(15_000);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('a rep answering a text message', { timeout: 60_000 }, () => {
  it('when a customer texts in Spanish, then the conversation appears live with an SMS badge and the rep\'s English answer reaches the phone in Spanish, then shows as delivered', async () => {
    await signInRep(repPage, harness.rep);
    await repPage.locator('#dashboard[data-live]').waitFor();

    const from = newNumber();
    expect((await harness.messaging.text({ from, to: SUPPORT_NUMBER, body: 'Necesito ayuda con mi pedido' })).status).toBe(200);
    const row = repPage.locator('[data-conversation-row]').filter({ hasText: `SMS ••• ${from.slice(-4)}` });
    await row.waitFor();
    expect(await row.locator('[data-part="channel"]').textContent()).toBe('SMS');
    expect(await row.locator('[data-part="language"]').textContent()).toBe('Spanish');
    await expect.poll(() => row.locator('[data-part="preview"]').textContent()).toBe('I need help with my order');

    await row.getByRole('button', { name: /^Join conversation with/ }).click();
    const panel = repPage.locator('[data-chat-view]');
    await panel.locator('li[data-message] [data-part="body"]', { hasText: 'I need help with my order' }).waitFor();
    const box = panel.getByLabel('Your message');
    await box.fill('How can I help you?');
    await box.press('Enter');
    await expect.poll(() => harness.messaging.sent.map((m) => [m.to, m.body])).toEqual([[from, '¿En qué puedo ayudarle?']]);

    // What became of it on the phone, in words, under the rep's message.
    await harness.messaging.report(harness.messaging.sent[0]!, 'delivered');
    const delivery = panel.locator('li[data-message]', { hasText: 'How can I help you?' }).locator('[data-part="phone-delivery"]');
    await expect.poll(() => delivery.textContent(), { timeout: 15_000 }).toBe('Delivered');
    expect(await panel.locator('[data-part="phone-customer"]').textContent()).toBe('SMS customer, writes Spanish.');

    await box.fill('a'.repeat(200));
    await expect.poll(() => panel.locator('[data-part="sms-segments"]').textContent()).toBe('This answer is about 2 SMS segments long.');
  });
});
