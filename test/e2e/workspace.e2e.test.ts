import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSavedReplyService, parseSavedReply } from '../../src/saved-replies/index.js';
import { createCustomer, createRep, type TestAccount } from '../support/auth.js';
import { launchChromium, startE2eServer, type E2eServer } from '../support/browser.js';
import { useTestDatabase } from '../support/database.js';
import { dictionaryKey } from '../support/deepl-server.js';

// A rep (American English) answers a Spanish customer with a saved reply chosen by keyboard, and
// writes a private note the customer's page never shows. Real Chromium, built-in transport.

useTestDatabase('e2e_workspace');

const UI_TIMEOUT = 15_000;
const REPLY = 'Thanks for waiting, your order is on its way';
const REPLY_ES = 'Gracias por esperar, su pedido está en camino';

let server: E2eServer;
let browser: Browser;
let rep: TestAccount;
let customer: TestAccount;

beforeAll(async () => {
  [server, browser, rep, customer] = await Promise.all([startE2eServer(), launchChromium(), createRep({ language: 'EN-US' }), createCustomer({ language: 'ES' })]);
  server.deepl.translations.set(dictionaryKey(REPLY, 'ES'), REPLY_ES);
  const replies = createSavedReplyService();
  await replies.create(rep.user, parseSavedReply({ name: 'on-its-way', body: REPLY, shared: true }));
  await replies.create(rep.user, parseSavedReply({ name: 'other-one', body: 'Anything else, {{customer.name}}?' }));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signedIn(role: 'customer' | 'rep', account: TestAccount): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  await page.goto(`/auth/${role}/login`);
  await page.getByLabel('Username').fill(account.username);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: /log in/i }).click();
  await page.waitForURL(role === 'rep' ? '**/support' : '**/conversations');
  return page;
}

describe('the rep\'s workspace in a browser', { timeout: 90_000 }, () => {
  it('when the rep types / and picks a reply with the keyboard, then it is inserted, sent, and the customer reads it in Spanish; a note stays on the reps\' side', async () => {
    const customerPage = await signedIn('customer', customer);
    await customerPage.getByRole('button', { name: 'Iniciar una conversación' }).click();
    await customerPage.waitForURL(/\/conversations\/[0-9a-f]{24}$/);
    const conversationId = new URL(customerPage.url()).pathname.split('/').pop() ?? '';
    const customerBox = customerPage.locator('[data-chat-view]').getByLabel('Tu mensaje');
    await customerBox.fill('Hola');
    await customerBox.press('Enter');

    const repPage = await signedIn('rep', rep);
    await repPage.goto(`/conversations/${conversationId}`);
    const box = repPage.locator('[data-chat-view]').getByRole('combobox', { name: 'Your message' });
    await box.pressSequentially('/o');
    const listbox = repPage.getByRole('listbox', { name: 'Saved replies' });
    await listbox.waitFor();
    expect(await listbox.getByRole('option').allTextContents()).toEqual([`/on-its-way ${REPLY}`, `/other-one Anything else, ${customer.username}?`]);
    await box.press('ArrowDown');
    expect(await listbox.getByRole('option', { selected: true }).getAttribute('data-reply-name')).toBe('other-one');
    await box.press('ArrowUp');
    expect(await box.getAttribute('aria-activedescendant')).toContain('replies-');
    await box.press('Enter');
    expect(await box.inputValue()).toBe(REPLY);
    expect(await box.getAttribute('aria-expanded')).toBe('false');
    await box.press('Enter');

    await customerPage.locator('li[data-message] [data-part="body"]', { hasText: REPLY_ES }).waitFor();

    // Escape closes the menu and leaves what was typed.
    await box.fill('');
    await box.pressSequentially('/');
    await listbox.waitFor();
    await box.press('Escape');
    expect(await listbox.isVisible()).toBe(false);
    expect(await box.inputValue()).toBe('/');
    await box.fill('');

    await repPage.getByLabel('Private note (only support reps see it)').fill('Customer is waiting since Monday');
    await repPage.getByRole('button', { name: 'Add note' }).click();
    const note = repPage.locator('li[data-kind="note"]', { hasText: 'Customer is waiting since Monday' });
    await note.waitFor();
    expect(await note.locator('[data-part="note-label"]').textContent()).toBe('Private note');

    await box.fill('See you');
    await box.press('Enter');
    await customerPage.locator('li[data-message]').nth(2).waitFor();
    expect(await customerPage.locator('body').textContent()).not.toContain('Customer is waiting since Monday');
    expect(await customerPage.locator('li[data-kind="note"]').count()).toBe(0);
  });
});
