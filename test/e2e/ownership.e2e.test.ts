import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer, createRep, type TestAccount } from '../support/auth.js';
import { launchChromium, measureAt360, saveScreenshots, seriousA11yViolations, startE2eServer, type E2eServer } from '../support/browser.js';
import { dictionaryKey } from '../support/deepl-server.js';
import { useTestDatabase } from '../support/database.js';

// Two English-speaking reps on their dashboards, each in their own browser context, and a Spanish
// customer: rep A takes the conversation by joining it, then hands it to rep B with a note.

useTestDatabase('e2e_ownership');

const UI_TIMEOUT = 15_000;
const note = 'Wants a refund for order 1234';
// Records every browser notification the page shows (the real one is shown too).
const notificationSpy = `(() => {
  const Original = window.Notification;
  if (!Original) return;
  window.__notifications = [];
  class Recorded extends Original {
    constructor(title, options) { super(title, options); window.__notifications.push({ title, body: (options && options.body) || '' }); }
  }
  Object.defineProperty(window, 'Notification', { value: Recorded, configurable: true, writable: true });
})();`;

let server: E2eServer;
let browser: Browser;
let repA: TestAccount;
let repB: TestAccount;
let customerAccount: TestAccount;
const contexts: BrowserContext[] = [];
let pageA: Page;
let pageB: Page;
let customer: Page;
let conversationId = '';

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(['notifications'], { origin: server.baseUrl });
  await context.addInitScript(notificationSpy);
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  return page;
}

async function logIn(page: Page, role: 'rep' | 'customer', account: TestAccount): Promise<void> {
  await page.goto(`/auth/${role}/login`);
  await page.getByLabel('Username').fill(account.username);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: /log in/i }).click();
}

/** At 360 px wide the page fits: nothing scrolls sideways (document.documentElement.scrollWidth <= innerWidth). */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const measured = await measureAt360(page);
  expect(measured.scrollWidth, `${measured.url} is ${measured.scrollWidth}px wide at 360px: ${measured.wide.join(' | ')}`).toBeLessThanOrEqual(measured.innerWidth);
}

const queueCount = (page: Page, queue: string) => page.locator(`[data-queue-count="${queue}"]`).textContent();
const row = (page: Page) => page.locator(`[data-conversation-row="${conversationId}"]`);

beforeAll(async () => {
  [server, browser, repA, repB, customerAccount] = await Promise.all([
    startE2eServer(),
    launchChromium(),
    createRep({ username: `ana_${Date.now().toString(36)}`, language: 'EN-US' }),
    createRep({ username: `bo_${Date.now().toString(36)}`, language: 'EN-US' }),
    createCustomer({ language: 'ES' }),
  ]);
  server.deepl.translations.set(dictionaryKey(`You are now talking to ${repB.username}`, 'ES'), `Ahora está hablando con ${repB.username}`);
  [pageA, pageB, customer] = await Promise.all([newPage(), newPage(), newPage()]);
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await server?.close();
});

describe('two reps share the queue', { timeout: 90_000 }, () => {
  it('when rep A joins an unassigned conversation, then it moves to A\'s Mine and leaves Unassigned on B\'s dashboard live', async () => {
    for (const [page, account] of [[pageA, repA], [pageB, repB]] as const) {
      await logIn(page, 'rep', account);
      await page.waitForURL('**/support');
      await page.locator('#dashboard[data-live]').waitFor();
    }
    await pageB.getByRole('link', { name: /^Unassigned/ }).click();
    await logIn(customer, 'customer', customerAccount);
    await customer.getByRole('button', { name: 'Iniciar una conversación' }).click();
    await customer.waitForURL(/\/conversations\/[0-9a-f]{24}$/);
    conversationId = new URL(customer.url()).pathname.split('/').pop() ?? '';
    await customer.getByLabel('Tu mensaje').fill('Necesito ayuda con mi pedido');
    await customer.getByLabel('Tu mensaje').press('Enter');

    await row(pageB).waitFor();
    await expect.poll(() => queueCount(pageB, 'unassigned')).toBe('1');
    // B was told of the new conversation (B was not looking at it).
    await expect.poll(() => pageB.evaluate('window.__notifications.map((n) => n.title)')).toContain('New conversation');

    await row(pageA).getByRole('button', { name: /^Join conversation with/ }).click();

    await expect.poll(() => queueCount(pageB, 'unassigned')).toBe('0');
    await expect.poll(() => row(pageB).isHidden()).toBe(true);
    await expect.poll(() => queueCount(pageA, 'mine')).toBe('1');
    await pageA.getByRole('link', { name: /^Mine/ }).click();
    expect(await row(pageA).isVisible()).toBe(true);
    await expect.poll(() => row(pageA).locator('[data-part="owner"]').textContent()).toBe('Yours');
  });

  it('when A hands the conversation to B with a note, then B is notified and owns it, and the customer reads the line in Spanish', async () => {
    await pageB.getByRole('link', { name: /^Mine/ }).click();
    const conversationPage = pageA.locator('[data-part="conversation-details"]');
    await conversationPage.click();
    await pageA.waitForURL(`**/conversations/${conversationId}`);
    await pageA.locator('[data-part="customer-panel"]').getByText(customerAccount.username).waitFor();
    await pageA.getByLabel('Hand over to').selectOption({ label: repB.username });
    await pageA.getByLabel(/^Note for them/).fill(note);
    await pageA.getByRole('button', { name: 'Hand over' }).click();
    await pageA.waitForURL('**/support');

    const expectedTitle = `${repA.username} handed you the conversation with ${customerAccount.username}`;
    await expect.poll(() => pageB.evaluate('window.__notifications')).toContainEqual({ title: expectedTitle, body: note });
    await pageB.locator('[data-part="notification"]', { hasText: note }).waitFor();
    await expect.poll(() => pageB.title()).toMatch(/^\(\d+\) /);
    await expect.poll(() => queueCount(pageB, 'mine')).toBe('1');
    await expect.poll(() => row(pageB).locator('[data-part="owner"]').textContent()).toBe('Yours');
    expect(await row(pageB).isVisible()).toBe(true);
    await expect.poll(() => queueCount(pageA, 'mine')).toBe('0');

    await customer.locator('li[data-kind="system"]', { hasText: `Ahora está hablando con ${repB.username}` }).waitFor();
    expect(await customer.content()).not.toContain(note);
  });

  it('when B opens the conversation, then the title count clears and the customer panel shows who is writing', async () => {
    await row(pageB).getByRole('button', { name: /^Open conversation with/ }).click();
    await expect.poll(() => pageB.title()).not.toMatch(/^\(/);
    const before = await pageB.evaluate('window.__notifications.length');
    await customer.getByLabel('Tu mensaje').fill('Gracias, pero mi pedido número 1234 todavía no ha llegado y necesito saber cuándo llegará');
    await customer.getByLabel('Tu mensaje').press('Enter');
    await pageB.locator(`[data-chat-view="${conversationId}"] li[data-message]`, { hasText: 'Gracias' }).waitFor();
    // B is looking at it: no notification for this message.
    expect(await pageB.evaluate('window.__notifications.length')).toBe(before);

    const details = await pageB.context().newPage();
    await details.goto(`/conversations/${conversationId}`);
    const panel = details.locator('[data-part="customer-panel"]');
    expect(await panel.locator('[data-part="customer-name"]').textContent()).toBe(customerAccount.username);
    expect(await panel.locator('[data-part="customer-declared"]').textContent()).toBe('Spanish');
    expect(await details.locator('[data-part="hand-over-note"]').textContent()).toContain(note);
    expect(await seriousA11yViolations(details)).toEqual([]);
    await saveScreenshots(details, 'ownership-chat-rep');
    await expectNoSidewaysScroll(details);
    await details.close();
  });

  it('when the dashboard with queues, team and notifications is checked at 1280 and 360 px, then axe finds nothing serious and nothing scrolls sideways', async () => {
    const found: Record<string, string[]> = {};
    for (const width of [1280, 360]) {
      await pageB.setViewportSize({ width, height: width === 360 ? 780 : 900 });
      found[`dashboard-${width}`] = await seriousA11yViolations(pageB);
    }
    await pageB.setViewportSize({ width: 1280, height: 900 });
    expect(found).toEqual({ 'dashboard-1280': [], 'dashboard-360': [] });
    expect(await saveScreenshots(pageB, 'ownership-dashboard')).toHaveLength(2);
    for (const page of [pageA, pageB, customer]) await expectNoSidewaysScroll(page);
    await pageA.goto('/auth/rep/login');
    await expectNoSidewaysScroll(pageA);
  });
});
