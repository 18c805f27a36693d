import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HISTORY_PAGE_SIZE } from '../../src/contract/chat.js';
import { createCustomer, createRep, DEFAULT_PASSWORD, uniqueUsername, type TestAccount } from '../support/auth.js';
import {
  countRequests,
  countSocketEvents,
  launchChromium,
  measureAt360,
  saveScreenshots,
  seriousA11yViolations,
  startE2eServer,
  type E2eServer,
} from '../support/browser.js';
import { useTestDatabase } from '../support/database.js';

// One Spanish customer and one American-English rep, each in their own browser context, talking
// through the real app over the built-in transport, with translations from the local DeepL server.

useTestDatabase('e2e_chat');

const UI_TIMEOUT = 15_000;
const imgAttack = '<img src=x onerror="window.__xss=1">';
const scriptAttack = '<script>window.__xss=1</script>';

let server: E2eServer;
let browser: Browser;
let rep: TestAccount;
let customerContext: BrowserContext;
let repContext: BrowserContext;
let customer: Page;
let repPage: Page;
const customerName = uniqueUsername('maria');
let conversationId = '';

beforeAll(async () => {
  [server, browser, rep] = await Promise.all([startE2eServer(), launchChromium(), createRep({ language: 'EN-US' })]);
  customerContext = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1280, height: 900 } });
  repContext = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1280, height: 900 } });
  customer = await customerContext.newPage();
  repPage = await repContext.newPage();
  for (const page of [customer, repPage]) page.setDefaultTimeout(UI_TIMEOUT);

});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

function messageBodies(page: Page, scope = 'body'): Locator {
  return page.locator(`${scope} li[data-message] [data-part="body"]`);
}

function messageWith(page: Page, text: string, scope = 'body'): Locator {
  return page.locator(`${scope} li[data-message]`).filter({ has: page.locator('[data-part="body"]', { hasText: text }) });
}

/** The message showing `text` now, located by its clientId so it can be followed when its text flips. */
async function pinnedMessage(page: Page, text: string, scope = 'body'): Promise<Locator> {
  const found = messageWith(page, text, scope);
  await found.waitFor();
  return page.locator(`${scope} li[data-client-id="${await found.getAttribute('data-client-id')}"]`);
}

// The customers read Spanish, interface included (locales/es.json); the rep reads English.
const es = {
  yourMessage: 'Tu mensaje',
  startConversation: 'Iniciar una conversación',
  loadOlder: 'Cargar mensajes anteriores',
  closed: 'Esta conversación está cerrada',
  startNew: 'Iniciar una conversación nueva',
  closedBadge: 'Cerrada',
  showTranslation: 'Mostrar traducción',
};

async function send(page: Page, text: string, scope = 'body', label = es.yourMessage): Promise<void> {
  const box = page.locator(scope).getByLabel(label);
  await box.fill(text);
  await box.press('Enter');
}

async function expectNoSeriousViolations(page: Page): Promise<void> {
  expect(await seriousA11yViolations(page)).toEqual([]);
}

/** At 360 px nothing scrolls sideways: document.documentElement.scrollWidth <= innerWidth. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const measured = await measureAt360(page);
  expect(measured.scrollWidth, `${measured.url} is ${measured.scrollWidth}px wide at 360px: ${measured.wide.join(' | ')}`).toBeLessThanOrEqual(measured.innerWidth);
}

describe('chat between a Spanish customer and an English rep', { timeout: 60_000 }, () => {
  it('when the sign-up and login pages are checked, then axe finds no serious or critical violation', async () => {
    const visitor = await customerContext.newPage();
    const found: Record<string, string[]> = {};
    for (const path of ['/auth/customer/register', '/auth/customer/login', '/auth/rep/login']) {
      await visitor.goto(path);
      found[path] = await seriousA11yViolations(visitor);
      await expectNoSidewaysScroll(visitor);
    }
    await visitor.close();
    expect(found).toEqual({ '/auth/customer/register': [], '/auth/customer/login': [], '/auth/rep/login': [] });
  });

  it('when the rep is on the dashboard and a customer signs up and starts a conversation, then it appears there live', async () => {
    await repPage.goto('/auth/rep/login');
    await repPage.getByLabel('Username').fill(rep.username);
    await repPage.getByLabel('Password').fill(rep.password);
    await repPage.getByRole('button', { name: /log in/i }).click();
    await repPage.waitForURL('**/support');
    await repPage.locator('#dashboard[data-live]').waitFor();

    await customer.goto('/auth/customer/register');
    await customer.getByLabel('Username').fill(customerName);
    await customer.getByLabel('Password', { exact: true }).fill(DEFAULT_PASSWORD);
    await customer.getByLabel('Confirm password').fill(DEFAULT_PASSWORD);
    await customer.getByLabel('Your language').selectOption('ES');
    await customer.getByRole('button', { name: 'Create account' }).click();
    await customer.waitForURL('**/conversations');
    await customer.getByRole('button', { name: es.startConversation }).click();
    await customer.waitForURL(/\/conversations\/[0-9a-f]{24}$/);
    conversationId = new URL(customer.url()).pathname.split('/').pop() ?? '';
    await customer.locator('[data-chat-view]').getByLabel(es.yourMessage).waitFor();

    const row = repPage.locator(`[data-conversation-row="${conversationId}"]`);
    await row.waitFor();
    expect(await row.locator('[data-part="customer"]').textContent()).toBe(customerName);
    expect(await row.locator('[data-part="language"]').textContent()).toBe('Spanish');
    expect(await row.locator('[data-part="status"]').textContent()).toBe('Open');
  });

  it('when they write to each other, then each reads the other in their own language and can show the original', async () => {
    const row = repPage.locator(`[data-conversation-row="${conversationId}"]`);
    await send(customer, 'Necesito ayuda con mi pedido');
    await expect.poll(() => row.locator('[data-part="preview"]').textContent()).toBe('I need help with my order');
    await expect.poll(() => row.locator('[data-part="unread"]').textContent()).toBe('1 unread');

    await row.getByRole('button', { name: `Join conversation with ${customerName}` }).click();
    const panel = `[data-chat-view="${conversationId}"]`;
    const onRepSide = await pinnedMessage(repPage, 'I need help with my order', panel);
    await onRepSide.getByRole('button', { name: 'Show original (Spanish)' }).click();
    await expect.poll(() => onRepSide.locator('[data-part="body"]').textContent()).toBe('Necesito ayuda con mi pedido');

    await customer.getByLabel(es.yourMessage).pressSequentially('Hola');
    await repPage.locator(panel).locator('[data-part="typing"]', { hasText: `${customerName} is typing` }).waitFor();
    await customer.getByLabel(es.yourMessage).fill('');

    await send(repPage, 'How can I help you?', panel, 'Your message');
    const onCustomerSide = await pinnedMessage(customer, '¿En qué puedo ayudarle?');
    await expect.poll(() => onCustomerSide.locator('[data-part="author"]').textContent()).toBe(rep.username);
    await onCustomerSide.getByRole('button', { name: /^Mostrar original \(inglés/ }).click();
    await expect.poll(() => onCustomerSide.locator('[data-part="body"]').textContent()).toBe('How can I help you?');
    await onCustomerSide.getByRole('button', { name: es.showTranslation }).click();
    await expect.poll(() => onCustomerSide.locator('[data-part="body"]').textContent()).toBe('¿En qué puedo ayudarle?');
    await expect.poll(() => messageWith(customer, 'Necesito ayuda con mi pedido').getAttribute('data-state')).toBe('sent');
  });

  it('when messages look like HTML, then both sides show them as literal text and no script runs', async () => {
    const panel = `[data-chat-view="${conversationId}"]`;
    await send(customer, imgAttack);
    await send(repPage, scriptAttack, panel, 'Your message');
    for (const [page, scope] of [[customer, 'body'], [repPage, panel]] as const) {
      await messageWith(page, imgAttack, scope).first().waitFor();
      await messageWith(page, scriptAttack, scope).first().waitFor();
      expect(await page.locator(`${scope} li[data-message] img, ${scope} li[data-message] script`).count()).toBe(0);
      expect(await page.evaluate('typeof window.__xss')).toBe('undefined');
    }
  });

  it('when the customer presses Shift+Enter, then the message gets a new line and Enter sends it once', async () => {
    const box = customer.getByLabel(es.yourMessage);
    const before = await messageBodies(customer).count();
    await box.pressSequentially('Línea uno');
    await box.press('Shift+Enter');
    await box.pressSequentially('Línea dos');
    expect(await box.inputValue()).toBe('Línea uno\nLínea dos');
    await box.press('Enter');

    const sent = await pinnedMessage(customer, 'Línea dos');
    await expect.poll(() => sent.getAttribute('data-state')).toBe('sent');
    expect(await sent.locator('[data-part="body"]').textContent()).toBe('Línea uno\nLínea dos');
    expect(await messageBodies(customer).count()).toBe(before + 1);
    expect(await box.inputValue()).toBe('');
  });

  it('when the chat page and the dashboard are checked, then axe finds no serious violation and screenshots are saved', async () => {
    await expectNoSeriousViolations(customer);
    await expectNoSeriousViolations(repPage);
    await expectNoSidewaysScroll(customer);
    await expectNoSidewaysScroll(repPage);
    const files = [
      ...(await saveScreenshots(customer, 'chat-customer')),
      ...(await saveScreenshots(repPage, 'dashboard-rep')),
    ];
    const repChat = await repContext.newPage();
    await repChat.goto(`/conversations/${conversationId}`);
    await messageWith(repChat, 'I need help with my order').waitFor();
    await expectNoSeriousViolations(repChat);
    await expectNoSidewaysScroll(repChat);
    files.push(...(await saveScreenshots(repChat, 'chat-rep')));
    await repChat.close();
    expect(files).toHaveLength(6);
  });

  it('when the customer reloads a long history, then it comes back translated with one /translate request per page', async () => {
    // A page's worth of rep messages, stored through the app's own messaging service.
    const numbers = Array.from({ length: HISTORY_PAGE_SIZE }, (_, index) => index + 1);
    for (let start = 0; start < numbers.length; start += 10) {
      await Promise.all(numbers.slice(start, start + 10).map((n) =>
        server.conversations.messaging.send(rep.user, { conversationId, clientId: `seeded-${String(n).padStart(4, '0')}`, body: `Update number ${n}` })));
    }
    // Let the live copies of these messages settle first, so only the reload's requests are counted.
    // Fifty translations on write take longer than the poll's default second on a busy machine.
    await expect.poll(() => customer.locator('li[data-translated="true"]').count(), { timeout: 15_000 }).toBe(2 + HISTORY_PAGE_SIZE);
    const translateRequests = countRequests(customer, 'POST', '/translate');
    const historyRequests = countSocketEvents(customer, 'messages:history');
    await customer.reload();
    await messageWith(customer, `Update number ${HISTORY_PAGE_SIZE}`).waitFor();
    let pages = 1;
    const older = customer.getByRole('button', { name: es.loadOlder });
    while (await older.isVisible()) {
      await older.click();
      pages++;
      await expect.poll(() => translateRequests.count()).toBe(pages);
    }

    const total = 5 + HISTORY_PAGE_SIZE;
    await expect.poll(() => messageBodies(customer).count()).toBe(total);
    expect(pages).toBe(2);
    expect(translateRequests.count()).toBe(pages);
    // The newest page came with the HTML; only the older one was asked for.
    expect(historyRequests.count()).toBe(pages - 1);
    await messageWith(customer, '¿En qué puedo ayudarle?').waitFor();
    await messageWith(customer, 'Necesito ayuda con mi pedido').waitFor();
    const repMessages = customer.locator('li[data-message]').filter({ has: customer.getByText(rep.username, { exact: true }) });
    expect(await repMessages.count()).toBe(2 + HISTORY_PAGE_SIZE);
    await expect.poll(() => repMessages.evaluateAll((items) => items.filter((item) => item.getAttribute('data-translated') === 'true').length)).toBe(2 + HISTORY_PAGE_SIZE);
  });

  it('when a second customer writes in, then the rep switches between both conversations without a reload', async () => {
    const second = await createCustomer({ language: 'ES' });
    const context = await browser.newContext({ baseURL: server.baseUrl });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    await page.goto('/auth/customer/login');
    await page.getByLabel('Username').fill(second.username);
    await page.getByLabel('Password').fill(second.password);
    await page.getByRole('button', { name: /log in/i }).click();
    await page.getByRole('button', { name: es.startConversation }).click();
    await page.waitForURL(/\/conversations\/[0-9a-f]{24}$/);
    const secondId = new URL(page.url()).pathname.split('/').pop() ?? '';
    await send(page, 'Hola');
    await repPage.evaluate('window.__samePage = true');

    await repPage.getByRole('button', { name: `Join conversation with ${second.username}` }).click();
    await messageWith(repPage, 'Hello', `[data-chat-view="${secondId}"]`).waitFor();
    await repPage.getByRole('button', { name: `Open conversation with ${customerName}` }).click();

    await messageWith(repPage, 'How can I help you?', `[data-chat-view="${conversationId}"]`).waitFor();
    expect(await repPage.locator(`[data-chat-view="${secondId}"]`).isVisible()).toBe(false);
    expect(await repPage.evaluate('window.__samePage')).toBe(true);
    await context.close();
  });

  it('when the rep closes the conversation, then the customer page turns read-only without a reload', async () => {
    await customer.evaluate('window.__samePage = true');
    await repPage.locator(`[data-conversation-row="${conversationId}"]`).getByRole('button', { name: `Close conversation with ${customerName}` }).click();

    await customer.locator('[data-part="closed"]', { hasText: es.closed }).waitFor();
    expect(await customer.getByLabel(es.yourMessage).isVisible()).toBe(false);
    expect(await customer.getByLabel(es.yourMessage).isDisabled()).toBe(true);
    await customer.getByRole('button', { name: es.startNew }).waitFor();
    expect(await customer.evaluate('window.__samePage')).toBe(true);
    await expect.poll(() => customer.locator('#conversation-status').textContent()).toBe(es.closedBadge);
    expect(await saveScreenshots(customer, 'chat-customer-closed')).toHaveLength(2);
  });
});
