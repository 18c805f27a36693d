import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, signInRep } from '../support/browser.js';
import { useTestDatabase } from '../support/database.js';
import { parseTwiml, phoneCall, startVoiceHarness, type VoiceHarness } from './voice-harness.js';

// A rep on the real dashboard in Chromium; a caller on the phone (the local Twilio plays the call).

useTestDatabase('e2e_phone_call');

let harness: VoiceHarness;
let browser: Browser;
let repPage: Page;

beforeAll(async () => {
  [harness, browser] = await Promise.all([startVoiceHarness(), launchChromium()]);
  const context = await browser.newContext({ baseURL: harness.baseUrl, viewport: { width: 1280, height: 900 } });
  repPage = await context.newPage();
  repPage.setDefaultTimeout(15_000);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('a rep answering a phone call', { timeout: 60_000 }, () => {
  it('when a caller speaks Spanish, then the row shows a live call with its duration, the rep\'s answer is spoken in Spanish, and the ended call shows its length', async () => {
    await signInRep(repPage, harness.rep);
    await repPage.locator('#dashboard[data-live]').waitFor();

    const call = phoneCall(harness);
    const menu = parseTwiml((await call.ring()).text);
    const listening = parseTwiml((await call.follow(menu.Gather?.[0]?.action as string, { Digits: '2' })).text);
    expect((await call.follow(listening.Gather?.[0]?.action as string, { SpeechResult: 'Necesito ayuda con mi pedido', Confidence: '0.9' })).status).toBe(200);

    const row = repPage.locator('[data-conversation-row]').filter({ hasText: `Caller ••• ${call.from.slice(-4)}` });
    await row.waitFor();
    expect(await row.locator('[data-part="channel"]').textContent()).toBe('Phone');
    await expect.poll(() => row.locator('[data-part="call"]').textContent()).toMatch(/^Live call \d+:\d\d$/);
    await expect.poll(() => row.locator('[data-part="preview"]').textContent()).toBe('I need help with my order');

    await row.getByRole('button', { name: /^Join conversation with/ }).click();
    const panel = repPage.locator('[data-chat-view]');
    await panel.locator('li[data-message] [data-part="body"]', { hasText: 'I need help with my order' }).waitFor();
    const box = panel.getByLabel('Your message');
    await box.fill('How can I help you?');
    await box.press('Enter');
    await expect.poll(() => harness.twilio.callUpdates.map((update) => [update.callSid, /¿En qué puedo ayudarle\?/.test(update.twiml ?? '')])).toEqual([[call.sid, true]]);

    expect((await call.status('completed', 73)).status).toBe(200);
    await expect.poll(() => row.locator('[data-part="call"]').textContent()).toBe('Call ended 1:13');
  });
});
