/**
 * End-to-end tests in a real browser: Debian's Chromium driven by playwright-core, against the
 * real app (test dependencies, built-in realtime transport) listening on 127.0.0.1, with the local
 * DeepL server answering translations.
 *
 *   useTestDatabase('e2e');                       // the file's own database (mongoose)
 *   const server = await startE2eServer();       // { baseUrl, deepl, close() }
 *   const browser = await launchChromium();      // one per file; a context per user
 *   await expectNoSeriousA11yViolations(page);   // axe-core, serious and critical only
 *   await saveScreenshots(page, 'chat-customer'); // test-artifacts/<name>-1280.png and -360.png
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import type { ConversationsFeature } from '../../src/conversations/index.js';
import { closeServer, listen } from '../../src/lib/http-server.js';
import { projectRoot } from '../../src/lib/paths.js';
import { composeTestApp, memoryLogger, testConfig } from './app.js';
import { startDeeplServer, type DeeplServer } from './deepl-server.js';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const artifactsDir = join(projectRoot, 'test-artifacts');
const axeScript = join(projectRoot, 'node_modules', 'axe-core', 'axe.min.js');

const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}

export interface E2eServer {
  baseUrl: string;
  deepl: DeeplServer;
  /** The running app's conversations feature, to arrange data (e.g. a long history) quickly. */
  conversations: ConversationsFeature;
  close(): Promise<void>;
}

/** The whole app as the server runs it (routes, sessions, Socket.IO), on a free port. */
export async function startE2eServer(): Promise<E2eServer> {
  const deepl = await startDeeplServer();
  const config = testConfig({ DEEPL_SERVER_URL: deepl.url, DEEPL_AUTH_KEY: 'e2e-key', HOST: '127.0.0.1', PORT: '0' });
  const { logger } = memoryLogger('warn');
  const composition = composeTestApp({ config, logger });
  const { conversations } = composition.deps;
  const server: Server = await listen(composition.app, { port: 0, host: '127.0.0.1' });
  const realtime = await composition.attach(server);
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    deepl,
    conversations,
    close: async () => {
      await realtime.close();
      await closeServer(server, 1_000);
      await deepl.close();
    },
  };
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** Runs axe-core in the page (or one of its frames); returns the serious and critical violations, readable in a failure. */
export async function seriousA11yViolations(page: Page | Frame): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not block (a script tag would be).
  await page.evaluate(readFileSync(axeScript, 'utf8'));
  // A string runs in the page as is (this file is typed without DOM globals).
  const violations = (await page.evaluate(
    `axe.run(document).then((result) => result.violations.map(({ id, impact, help, nodes }) =>
      ({ id, impact, help, nodes: nodes.map((node) => ({ target: node.target })) })))`,
  )) as AxeViolation[];
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.help} at ${JSON.stringify(violation.nodes.map((n) => n.target))}`);
}

/** Saves the page at desktop (1280 px) and phone (360 px) width, then restores the viewport. */
export async function saveScreenshots(page: Page, name: string): Promise<string[]> {
  mkdirSync(artifactsDir, { recursive: true });
  const original = page.viewportSize() ?? { width: 1280, height: 900 };
  const files: string[] = [];
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: width === 360 ? 780 : 900 });
    const path = join(artifactsDir, `${name}-${width}.png`);
    await page.screenshot({ path, fullPage: true });
    files.push(path);
  }
  await page.setViewportSize(original);
  return files;
}

/** Counts the page's requests matching a method and path, from now on. */
export function countRequests(page: Page, method: string, path: string): { count(): number; reset(): void } {
  let count = 0;
  page.on('request', (request) => {
    if (request.method() === method && new URL(request.url()).pathname === path) count++;
  });
  return { count: () => count, reset: () => (count = 0) };
}

/** Counts Socket.IO events the page sends by name, from now on (over WebSocket or long-polling). */
export function countSocketEvents(page: Page, event: string): { count(): number } {
  let count = 0;
  const needle = `["${event}"`;
  page.on('websocket', (socket) => socket.on('framesent', (frame) => String(frame.payload).includes(needle) && count++));
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname.startsWith('/socket.io/') && (request.postData() ?? '').includes(needle)) count++;
  });
  return { count: () => count };
}

export interface SidewaysScroll {
  url: string;
  scrollWidth: number;
  innerWidth: number;
  /** The last few elements reaching past the viewport's right edge, to say what overflows. */
  wide: string[];
}

/** Measures the page at 360 px wide (then restores the viewport): it fits when scrollWidth <= innerWidth. */
export async function measureAt360(page: Page): Promise<SidewaysScroll> {
  const original = page.viewportSize() ?? { width: 1280, height: 900 };
  await page.setViewportSize({ width: 360, height: 780 });
  const measured = (await page.evaluate(`({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: innerWidth,
    wide: [...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > innerWidth)
      .slice(-5).map((el) => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right)),
  })`)) as Omit<SidewaysScroll, 'url'>;
  await page.setViewportSize(original);
  return { url: page.url(), ...measured };
}

/** Signs a rep in through the login form and waits for their dashboard. */
export async function signInRep(page: Page, rep: { username: string; password: string }): Promise<void> {
  await page.goto('/auth/rep/login');
  await page.getByLabel('Username').fill(rep.username);
  await page.getByLabel('Password').fill(rep.password);
  await page.getByRole('button', { name: /log in/i }).click();
  await page.waitForURL('**/support');
}
