import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, createRep, type TestAccount } from '../support/auth.js';
import { launchChromium, startE2eServer, type E2eServer } from '../support/browser.js';
import { useTestDatabase } from '../support/database.js';

// A customer's chat page while a rep answers in a burst: the page tells the server "read" once
// per short window, naming the newest message, not once per message. Real Chromium.

useTestDatabase('e2e_read_marks');

const UI_TIMEOUT = 15_000;

let server: E2eServer;
let browser: Browser;
let rep: TestAccount;
let customer: TestAccount;

beforeAll(async () => {
  [server, browser, rep, customer] = await Promise.all([startE2eServer(), launchChromium(), createRep({ language: 'EN-US' }), createCustomer({ language: 'EN-US' })]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The read marks the page sends over its socket, from now on (their JSON payloads). */
function readMarksSent(page: Page): unknown[] {
  const marks: unknown[] = [];
  const needle = '["conversation:read",';
  page.on('websocket', (socket) =>
    socket.on('framesent', (frame) => {
      const text = String(frame.payload);
      const at = text.indexOf(needle);
      if (at >= 0) marks.push((JSON.parse(text.slice(at)) as unknown[])[1]);
    }),
  );
  return marks;
}

describe('read marks from a chat page', { timeout: 90_000 }, () => {
  it('when a rep sends ten answers at once, then the page sends a few read marks, the last naming the newest answer, and nothing is left unread', async () => {
    const context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    const marks = readMarksSent(page);
    await page.goto('/auth/customer/login');
    await page.getByLabel('Username').fill(customer.username);
    await page.getByLabel('Password').fill(customer.password);
    await page.getByRole('button', { name: /log in/i }).click();
    await page.waitForURL('**/conversations');
    await page.getByRole('button', { name: /start a conversation/i }).click();
    await page.waitForURL(/\/conversations\/[0-9a-f]{24}$/);
    const conversationId = new URL(page.url()).pathname.split('/').pop() ?? '';
    // The empty state shows once the page has joined and loaded the (empty) history.
    await page.locator('[data-chat-view] [data-part="empty"]').waitFor();

    const { messaging, conversations } = server.conversations;
    const sent = await Promise.all(
      Array.from({ length: 10 }, (_, n) => messaging.send(rep.user, { conversationId, clientId: `burst-${n}-${conversationId}`, body: `Answer number ${n}` })),
    );
    const newest = sent.map((answer) => answer.message.id).sort().at(-1);
    await expect.poll(() => page.locator('li[data-message]').count(), { timeout: UI_TIMEOUT }).toBe(10);
    await expect.poll(async () => (await conversations.getForUser(customer.user, conversationId)).unread[customer.user.id], { timeout: UI_TIMEOUT }).toBe(0);

    // One when the page opened, then one per window while answers arrived: far fewer than ten.
    expect(marks.length).toBeGreaterThan(0);
    expect(marks.length).toBeLessThanOrEqual(5);
    expect(marks.at(-1)).toEqual({ conversationId, messageId: newest });
    await context.close();
  });
});
