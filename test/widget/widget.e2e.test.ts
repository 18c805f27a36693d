import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Frame, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityHash, siteService, type Site } from '../../src/widget/index.js';
import { createRep, type TestAccount } from '../support/auth.js';
import { launchChromium, saveScreenshots, seriousA11yViolations, startE2eServer, type E2eServer } from '../support/browser.js';
import { useTestDatabase } from '../support/database.js';

// The widget on a shop's page: Parley on 127.0.0.1:PORT, the shop on localhost:OTHER (another
// site), a second shop on localhost:THIRD that is not registered. The visitor's browser speaks
// Spanish; the rep answers in English from the dashboard.

useTestDatabase('e2e_widget');

const UI_TIMEOUT = 15_000;
let app: E2eServer;
let shop: { server: Server; origin: string };
let unregistered: { server: Server; origin: string };
let site: Site;
let browser: Browser;
let visitorContext: BrowserContext;
let repContext: BrowserContext;
let rep: TestAccount;

/** A shop page: its own content and styles, and the widget's one script tag. */
function shopPage(appUrl: string, siteKey: string, attributes = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<style>body{font-family:serif;margin:40px} .product{border:1px solid #999;padding:8px}</style></head>
<body><h1>Our shop</h1><p class="product">A lamp, 20 €</p><p class="product">A chair, 45 €</p>
<script src="${appUrl}/widget.js" data-parley-site="${siteKey}" ${attributes} async></script></body></html>`;
}

/** A tiny http server for the host pages (the shops do not run Parley). */
async function hostServer(render: (path: string) => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(render(req.url ?? '/'));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  [app, browser, rep] = await Promise.all([startE2eServer(), launchChromium(), createRep({ language: 'EN-US' })]);
  let siteKey = '';
  let secret = '';
  shop = await hostServer((path) => {
    const url = new URL(path, 'http://host');
    const user = url.searchParams.get('user');
    const hash = user ? (url.searchParams.get('hash') ?? identityHash(secret, user)) : '';
    return shopPage(app.baseUrl, siteKey, user ? `data-parley-user-id="${user}" data-parley-user-hash="${hash}"` : '');
  });
  site = await siteService.add(shop.origin);
  siteKey = site.key;
  secret = site.secret;
  unregistered = await hostServer(() => shopPage(app.baseUrl, siteKey));
  visitorContext = await browser.newContext({ locale: 'es-ES', viewport: { width: 1280, height: 900 } });
  repContext = await browser.newContext({ baseURL: app.baseUrl, viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  shop?.server.close();
  unregistered?.server.close();
});

const bubble = (page: Page) => page.locator('[data-parley-widget] button.bubble');
const panelFrame = (page: Page) => page.frameLocator('[data-parley-widget] iframe');

/** The chat frame once it has loaded (a Playwright Frame, for evaluate and axe). */
async function chatFrame(page: Page): Promise<Frame> {
  await expect.poll(() => page.frames().some((frame) => frame.url().includes('/widget/frame'))).toBe(true);
  return page.frames().find((frame) => frame.url().includes('/widget/frame')) as Frame;
}

/** What the host page itself holds: its markup outside the widget, stylesheets and listeners on window and document. */
async function hostState(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  const listeners = async (expression: string) => {
    const { result } = (await cdp.send('Runtime.evaluate', { expression })) as { result: { objectId: string } };
    const found = (await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId })) as { listeners: { type: string }[] };
    return found.listeners.map((listener) => listener.type).sort();
  };
  // Strings run in the page as they are (this file is typed without DOM globals).
  const markup = await page.evaluate<string>(`(() => {
    const copy = document.documentElement.cloneNode(true);
    copy.querySelectorAll('[data-parley-widget]').forEach((element) => element.remove());
    return copy.outerHTML;
  })()`);
  const sheets = await page.evaluate(`({ sheets: document.styleSheets.length, adopted: document.adoptedStyleSheets.length, margin: getComputedStyle(document.body).margin })`);
  const state = { markup, sheets, window: await listeners('window'), document: await listeners('document') };
  await cdp.detach();
  return state;
}

describe('the chat widget on another website', { timeout: 90_000 }, () => {
  let visitor: Page;
  let repPage: Page;
  let conversationId = '';

  it('when the host page loads widget.js, then only the widget\'s container is added: no styles, no listeners', async () => {
    visitor = await visitorContext.newPage();
    visitor.setDefaultTimeout(UI_TIMEOUT);
    // The same page without the widget's script, as the reference.
    await visitor.route(`${app.baseUrl}/widget.js`, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: '' }));
    await visitor.goto(`${shop.origin}/products`);
    await visitor.waitForLoadState('load');
    const before = await hostState(visitor);
    await visitor.unroute(`${app.baseUrl}/widget.js`);
    await visitor.reload();
    await bubble(visitor).waitFor();
    const after = await hostState(visitor);
    expect(after).toEqual(before);
    expect(await visitor.locator('[data-parley-widget]').count()).toBe(1);
  });

  it('when the visitor opens the bubble and writes in Spanish, then a rep on the dashboard answers in English and the visitor reads Spanish', async () => {
    repPage = await repContext.newPage();
    repPage.setDefaultTimeout(UI_TIMEOUT);
    await repPage.goto('/auth/rep/login');
    await repPage.getByLabel('Username').fill(rep.username);
    await repPage.getByLabel('Password').fill(rep.password);
    await repPage.getByRole('button', { name: /log in/i }).click();
    await repPage.waitForURL('**/support');
    await repPage.locator('#dashboard[data-live]').waitFor();

    await expect.poll(() => bubble(visitor).getAttribute('aria-expanded')).toBe('false');
    await bubble(visitor).click();
    await expect.poll(() => bubble(visitor).getAttribute('aria-expanded')).toBe('true');
    const panel = panelFrame(visitor);
    // The browser's es-ES, matched to DeepL's ES; the focus moved into the panel, on its first field.
    await expect.poll(() => panel.getByLabel('Tu idioma').inputValue()).toBe('ES');
    const opened = await chatFrame(visitor);
    await expect.poll(() => opened.evaluate('document.activeElement?.id')).toBe('visitor-language');
    await panel.getByLabel('Tu nombre (opcional)').fill('Lucía');
    await panel.getByRole('button', { name: 'Empezar a chatear' }).click();
    const box = panel.getByLabel('Tu mensaje');
    await box.waitFor();
    const frame = await chatFrame(visitor);
    await expect.poll(() => frame.evaluate('document.activeElement?.tagName')).toBe('TEXTAREA');
    await box.fill('Necesito ayuda con mi pedido');
    await box.press('Enter');

    const row = repPage.locator('[data-conversation-row]').filter({ hasText: 'Lucía' });
    await row.waitFor();
    conversationId = (await row.getAttribute('data-conversation-row')) ?? '';
    await expect.poll(() => row.locator('[data-part="preview"]').textContent()).toBe('I need help with my order');
    await row.getByRole('button', { name: 'Join conversation with Lucía' }).click();
    const repPanel = `[data-chat-view="${conversationId}"]`;
    await repPage.locator(repPanel).getByLabel('Your message').fill('How can I help you?');
    await repPage.locator(repPanel).getByLabel('Your message').press('Enter');

    await panel.locator('li[data-message] [data-part="body"]', { hasText: '¿En qué puedo ayudarle?' }).waitFor();
  });

  it('when the rep opens the conversation, then they see the site and the page the visitor was on', async () => {
    await repPage.goto(`/conversations/${conversationId}`);
    const source = repPage.locator('[data-part="widget-source"]');
    await expect.poll(() => source.textContent()).toContain(shop.origin);
    expect(await source.locator('a').getAttribute('href')).toBe(`${shop.origin}/products`);
    await repPage.goto('/support');
    await repPage.locator('#dashboard[data-live]').waitFor();
  });

  it('when the host page reloads, then the panel is still open with the conversation; Escape closes it and focus returns to the bubble', async () => {
    await visitor.reload();
    const panel = panelFrame(visitor);
    await panel.locator('li[data-message] [data-part="body"]', { hasText: '¿En qué puedo ayudarle?' }).waitFor();
    await panel.locator('li[data-message] [data-part="body"]', { hasText: 'Necesito ayuda con mi pedido' }).waitFor();
    expect(await bubble(visitor).getAttribute('aria-expanded')).toBe('true');
    // Restored open by a page load, the panel does not take the focus from the host page.
    expect(await visitor.evaluate('document.activeElement === document.body')).toBe(true);
    await panel.getByLabel('Tu mensaje').click();
    await visitor.keyboard.press('Escape');
    await expect.poll(() => bubble(visitor).getAttribute('aria-expanded')).toBe('false');
    await expect.poll(() => visitor.evaluate(`document.querySelector('[data-parley-widget]')?.shadowRoot?.activeElement?.className`)).toBe('bubble');
  });

  it('when the rep answers while the panel is closed, then the bubble shows an unread badge, cleared on opening', async () => {
    const repPanel = `[data-chat-view="${conversationId}"]`;
    const row = repPage.locator(`[data-conversation-row="${conversationId}"]`);
    await row.getByRole('button', { name: /Lucía/ }).first().click();
    await repPage.locator(repPanel).getByLabel('Your message').fill('Thank you');
    await repPage.locator(repPanel).getByLabel('Your message').press('Enter');
    await expect.poll(() => bubble(visitor).getAttribute('aria-label')).toBe('Open support chat, 1 unread');
    expect(await visitor.locator('[data-parley-widget] .badge').textContent()).toBe('1');
    await bubble(visitor).click();
    await expect.poll(() => visitor.locator('[data-parley-widget] .badge').isHidden()).toBe(true);
  });

  it('when a script on the host page looks for the chat, then it cannot read the messages, nor use a token it finds', async () => {
    const seen = (await visitor.evaluate(`(async () => {
      const frame = document.querySelector('[data-parley-widget]').shadowRoot.querySelector('iframe');
      let inside = null;
      try {
        inside = frame.contentDocument ? frame.contentDocument.body.textContent : null;
      } catch {
        inside = null;
      }
      // This browser denies the third-party frame storage, so the token sits in the host's (README).
      const token = Object.values(localStorage).find((value) => value.startsWith('pv_')) || '';
      let call = 'no token';
      if (token) {
        try {
          const res = await fetch('${app.baseUrl}/widget/api/conversation', { method: 'POST', headers: {
            'content-type': 'application/json', authorization: 'Bearer ' + token, 'x-parley-site': '${site.key}', 'x-parley-host': location.origin,
          }, body: '{"language":"ES"}' });
          call = 'answered ' + res.status;
        } catch {
          call = 'refused';
        }
      }
      return { inside, page: document.body.innerText, call };
    })()`)) as { inside: string | null; page: string; call: string };
    expect(seen.inside).toBeNull();
    expect(seen.page).not.toContain('puedo ayudarle');
    expect(seen.call).toBe('refused');
  });

  it('when the visitor prefers reduced motion, then the panel opens and closes without animation', async () => {
    const transition = `getComputedStyle(document.querySelector('[data-parley-widget]').shadowRoot.querySelector('.panel')).transitionDuration`;
    expect(await visitor.evaluate(transition)).not.toMatch(/^0s(, 0s)*$/);
    await visitor.emulateMedia({ reducedMotion: 'reduce' });
    expect(await visitor.evaluate(transition)).toMatch(/^0s(, 0s)*$/);
    await visitor.emulateMedia({ reducedMotion: null });
  });

  it('when the panel is checked with axe at 360 px, then it has no serious or critical violation', async () => {
    await visitor.setViewportSize({ width: 360, height: 780 });
    const frame = await chatFrame(visitor);
    await panelFrame(visitor).getByLabel('Tu mensaje').waitFor();
    expect(await seriousA11yViolations(frame)).toEqual([]);
    expect(await seriousA11yViolations(visitor)).toEqual([]);
    await saveScreenshots(visitor, 'widget-host');
    await visitor.setViewportSize({ width: 1280, height: 900 });
  });
});

describe('the widget where it is not allowed, and identity verification', { timeout: 60_000 }, () => {
  it('when the shop is not registered, then the frame refuses to be shown there and the API refuses its calls', async () => {
    const context = await browser.newContext({ locale: 'es-ES' });
    const page = await context.newPage();
    const refused: string[] = [];
    page.on('console', (message) => message.text().includes('frame-ancestors') && refused.push(message.text()));
    await page.goto(unregistered.origin);
    await bubble(page).click();
    await expect.poll(() => refused.length, { timeout: UI_TIMEOUT }).toBeGreaterThan(0);
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
    expect(await frame?.evaluate(`document.getElementById('widget') !== null`).catch(() => false)).toBeFalsy();
    const call = await page.evaluate(`fetch('${app.baseUrl}/widget/api/session', { method: 'POST', headers: { 'content-type': 'application/json',
      'x-parley-site': '${site.key}', 'x-parley-host': '${site.origin}' }, body: '{"language":"ES"}' }).then((res) => 'answered ' + res.status, () => 'refused')`);
    expect(call).toBe('refused');
    await context.close();
  });

  it('when the shop signs its customer\'s id, then the chat opens; with a wrong signature it is refused', async () => {
    const context = await browser.newContext({ locale: 'es-ES' });
    const page = await context.newPage();
    await page.goto(`${shop.origin}/account?user=customer-42`);
    await bubble(page).click();
    await panelFrame(page).getByRole('button', { name: 'Empezar a chatear' }).waitFor();
    await page.goto(`${shop.origin}/account?user=customer-42&hash=${'0'.repeat(64)}`);
    await page.locator('[data-parley-widget]').waitFor({ state: 'attached' });
    if ((await bubble(page).getAttribute('aria-expanded')) !== 'true') await bubble(page).click();
    // The refusal is in the visitor's language, as the rest of the panel.
    await panelFrame(page).getByText('Este sitio no pudo confirmar quién eres').waitFor();
    await context.close();
  });
});

describe('the widget when the network drops', { timeout: 60_000 }, () => {
  it('when the connection is lost, then the panel says it is reconnecting, and a message written meanwhile arrives once it is back', async () => {
    const context = await browser.newContext({ locale: 'es-ES' });
    let offline = false;
    const open: WebSocketRoute[] = [];
    // Playwright stands between the frame and Parley's Socket.IO: it can cut the connection and refuse new ones.
    await context.route('**/socket.io/**', (route) => (offline ? route.abort('internetdisconnected') : route.continue()));
    await context.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (offline) return void ws.close();
      ws.connectToServer();
      open.push(ws);
    });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    await page.goto(`${shop.origin}/offline-test`);
    await bubble(page).click();
    const panel = panelFrame(page);
    await panel.getByRole('button', { name: 'Empezar a chatear' }).click();
    await panel.locator('[data-part="empty"]').waitFor();
    await expect.poll(() => open.length).toBeGreaterThan(0);
    offline = true;
    await Promise.all(open.splice(0).map((ws) => ws.close()));
    const status = panel.locator('[data-part="connection"]');
    await expect.poll(() => status.textContent()).toBe('Se perdió la conexión. Reconectando…');
    await panel.getByLabel('Tu mensaje').fill('Hola otra vez');
    await panel.getByLabel('Tu mensaje').press('Enter');
    offline = false;
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toBe('');
    await expect.poll(() => panel.locator('li[data-message]', { hasText: 'Hola otra vez' }).getAttribute('data-state'), { timeout: 20_000 }).toBe('sent');
    await context.close();
  });
});

describe('the widget panel in the visitor\'s language', { timeout: 60_000 }, () => {
  it('when a Spanish visitor picks German on the start form, then the panel reloads in German and stays German on the next page', async () => {
    const context = await browser.newContext({ locale: 'es-ES' });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    await page.goto(`${shop.origin}/language-test`);
    await bubble(page).click();
    const panel = panelFrame(page);
    await panel.getByRole('heading', { name: 'Chatea con soporte' }).waitFor();
    await panel.getByLabel('Tu idioma').selectOption('DE');
    await panel.getByRole('button', { name: 'Empezar a chatear' }).click();
    await panel.getByRole('heading', { name: 'Chat mit dem Support' }).waitFor();
    await panel.getByLabel('Ihre Nachricht').waitFor();
    // Another page of the site: the frame starts in the browser's Spanish and follows the visitor's German.
    await page.goto(`${shop.origin}/language-test-2`);
    await panelFrame(page).getByLabel('Ihre Nachricht').waitFor({ state: 'attached' });
    expect(await panelFrame(page).locator('h1').textContent()).toBe('Chat mit dem Support');
    await context.close();
  });
});
