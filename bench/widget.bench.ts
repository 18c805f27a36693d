/**
 * `npm run bench:widget`: what the chat widget costs a host page. widget.js's size (raw and
 * gzipped, as the build caps it), and in Debian's Chromium the time from a click on the bubble
 * to a usable panel: for a first-time visitor (the start form is focused) and for a returning
 * one (their conversation shown, the message box focused). The panel's code loads only on that
 * click, so the figure includes fetching the frame, its scripts and the visitor's session. The
 * reference, measured in the same run and browser: the app's login page loaded until its form
 * shows. Parley runs on 127.0.0.1, the host page on localhost (another site), on an embedded
 * FerretDB. Bounded: the run is cut off after a fixed limit.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { composeApplication } from '../src/composition.js';
import { loadConfig } from '../src/config.js';
import { connectDatabase, disconnectDatabase } from '../src/lib/database.js';
import { startEmbeddedMongo } from '../src/lib/embedded-mongo.js';
import { closeServer, listen } from '../src/lib/http-server.js';
import { createLogger } from '../src/lib/logger.js';
import { siteService, widgetLoaderFile } from '../src/widget/index.js';

const runs = 15;
const runLimitMs = 6 * 60_000;
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const median = (values: number[]) => sorted(values)[Math.floor(values.length / 2)] ?? NaN;
const p90 = (values: number[]) => sorted(values)[Math.min(values.length - 1, Math.floor(values.length * 0.9))] ?? NaN;
const row = (label: string, values: number[]) => `| ${label} | ${median(values).toFixed(0)} ms | ${p90(values).toFixed(0)} ms | ${values.length} |`;

function loaderSize(): string {
  const source = readFileSync(widgetLoaderFile);
  return `widget.js: ${source.length} bytes, ${gzipSync(source, { level: 9 }).length} bytes gzipped (level 9), ${gzipSync(source).length} bytes (default level)`;
}

/** The panel is usable when its first control has the focus (what a keyboard user would type into). */
async function clickToUsable(page: Page, focusTag: 'SELECT' | 'TEXTAREA'): Promise<number> {
  const bubble = page.locator('[data-parley-widget] button.bubble');
  await bubble.waitFor();
  const started = performance.now();
  await bubble.click();
  const frame = page.frameLocator('[data-parley-widget] iframe');
  await frame.locator(focusTag === 'SELECT' ? '[data-part="start-form"]' : '[data-part="composer"]').waitFor();
  for (;;) {
    const frameHandle = page.frames().find((candidate) => candidate.url().includes('/widget/frame'));
    if (frameHandle && (await frameHandle.evaluate('document.activeElement && document.activeElement.tagName')) === focusTag) break;
    await new Promise((done) => setTimeout(done, 5));
  }
  return performance.now() - started;
}

async function measure(browser: Browser, appUrl: string, hostUrl: string): Promise<void> {
  const first: number[] = [];
  const returning: number[] = [];
  const reference: number[] = [];
  for (let i = 0; i < runs + 2; i += 1) {
    const context = await browser.newContext({ locale: 'es-ES' });
    const page = await context.newPage();
    await page.goto(hostUrl);
    const firstMs = await clickToUsable(page, 'SELECT');
    const frame = page.frameLocator('[data-parley-widget] iframe');
    await frame.getByRole('button', { name: 'Start chatting' }).click();
    await frame.getByLabel('Your message').fill('Hola');
    await frame.getByLabel('Your message').press('Enter');
    await frame.locator('li[data-message][data-state="sent"]').waitFor();
    await page.keyboard.press('Escape');
    await page.evaluate(`localStorage.removeItem(Object.keys(localStorage).find((key) => key.endsWith(':active')))`);
    await page.reload();
    const returningMs = await clickToUsable(page, 'TEXTAREA');
    const started = performance.now();
    await page.goto(`${appUrl}/auth/customer/login`);
    await page.getByLabel('Username').waitFor();
    const referenceMs = performance.now() - started;
    await context.close();
    // The first two runs warm the server and the browser up.
    if (i < 2) continue;
    first.push(firstMs);
    returning.push(returningMs);
    reference.push(referenceMs);
    process.stdout.write('.');
  }
  console.log('\n| from the click on the bubble to | median | p90 | runs |\n|---|---|---|---|');
  console.log(row('the start form, focused (first visit)', first));
  console.log(row('the conversation, message box focused (returning visitor)', returning));
  console.log(row('reference: the login page, loaded until its form shows', reference));
}

async function main(): Promise<void> {
  console.log(loaderSize());
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-widget-'));
  const database = await startEmbeddedMongo({ dataDir: join(dataDir, 'db') });
  let timer: NodeJS.Timeout | undefined;
  let app: Server | undefined;
  let host: Server | undefined;
  let browser: Browser | undefined;
  try {
    await connectDatabase(database.uriFor('parley_widget_bench'));
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SESSION_SECRET: 'bench-session-secret-0123456789abcdef', BCRYPT_COST: '4' });
    const composition = composeApplication(config, createLogger({ level: 'silent' }));
    app = await listen(composition.app, { port: 0, host: '127.0.0.1' });
    const realtime = await composition.attach(app);
    const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    let siteKey = '';
    host = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(
      `<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>Shop</h1><p>Products</p><script src="${appUrl}/widget.js" data-parley-site="${siteKey}" async></script></body></html>`,
    ));
    await new Promise<void>((done) => host?.listen(0, '127.0.0.1', done));
    const hostUrl = `http://localhost:${(host.address() as AddressInfo).port}`;
    siteKey = (await siteService.add(hostUrl)).key;
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    const overrun = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`bench:widget exceeded its ${runLimitMs / 60_000} min limit`)), runLimitMs);
    });
    await Promise.race([measure(browser, appUrl, hostUrl), overrun]);
    await realtime.close();
  } finally {
    clearTimeout(timer);
    await browser?.close();
    host?.close();
    if (app) await closeServer(app, 1_000);
    await disconnectDatabase();
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
