import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, createRep, type TestAccount } from '../support/auth.js';
import { countRequests, launchChromium, seriousA11yViolations, startE2eServer, type E2eServer, signInRep } from '../support/browser.js';
import { useTestDatabase } from '../support/database.js';

// A rep checks a draft before sending it to a Spanish customer: the preview follows the typing,
// "Translate back" reads it back in English, and sending clears it.

useTestDatabase('e2e_draft_preview');

let server: E2eServer;
let browser: Browser;
let rep: TestAccount;
let page: Page;
let conversationId = '';

beforeAll(async () => {
  [server, browser, rep] = await Promise.all([startE2eServer(), launchChromium(), createRep({ language: 'EN-US' })]);
  const customer = await createCustomer({ language: 'ES' });
  const { conversation } = await server.conversations.conversations.startOrResume(customer.user);
  conversationId = conversation.id;
  const context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await signInRep(page, rep);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('check before sending, in the browser', { timeout: 60_000 }, () => {
  it('when a rep pauses typing, then the draft shows as the customer will read it, once per pause; Translate back reads it back; sending clears it', async () => {
    await page.goto(`/conversations/${conversationId}`);
    await page.locator('#chat[data-live]').waitFor();
    const previews = countRequests(page, 'POST', `/api/conversations/${conversationId}/preview`);
    const box = page.locator('[data-chat-view]').getByLabel('Your message');
    const preview = page.locator('[data-part="draft-preview"]');

    await box.pressSequentially('How can I help you?', { delay: 20 });
    await expect.poll(() => preview.locator('[data-preview="translation"]').textContent()).toBe('¿En qué puedo ayudarle?');
    expect(await preview.locator('[data-preview="translation"]').getAttribute('lang')).toBe('es');
    expect(previews.count()).toBe(1);
    await preview.getByRole('button', { name: 'Translate back' }).click();
    await expect.poll(() => preview.locator('[data-preview="back"]').textContent()).toBe('How can I help you?');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await box.press('Enter');
    await expect.poll(() => preview.isHidden()).toBe(true);
    await page.locator('li[data-message]', { hasText: 'How can I help you?' }).waitFor();
  });

  it('when the monthly budget is used up, then the preview says so politely and the draft can still be sent', async () => {
    await page.route('**/preview', (route) =>
      route.fulfill({ status: 429, contentType: 'application/json', body: JSON.stringify({ error: { code: 'translation_budget_exhausted', message: "This month's translation budget (2026-12) is used up, so previews are paused until next month. Messages are still translated." } }) }));
    const box = page.locator('[data-chat-view]').getByLabel('Your message');
    await box.fill('Thank you');
    await expect.poll(() => page.locator('[data-preview="status"]').textContent()).toContain('previews are paused until next month');
    await page.unroute('**/preview');
    await box.press('Enter');
    await page.locator('li[data-message]', { hasText: 'Thank you' }).waitFor();
  });
});
