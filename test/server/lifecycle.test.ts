import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/lib/embedded-mongo.js';
import { runTs } from '../support/process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'parley-server-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('server process', () => {
  it('when a setting is invalid, then it exits non-zero naming the variable', async () => {
    const server = runTs('src/server.ts', { PORT: 'abc' });
    expect(await server.exited).not.toBe(0);
    expect(server.output()).toMatch(/PORT: .*number/i);
  });

  it('when SIGTERM arrives during a slow request, then the request completes and the exit code is 0', async () => {
    const server = runTs('test/fixtures/slow-server.ts');
    const [, port] = await server.waitFor(/listening (\d+)/);
    const response = fetch(`http://127.0.0.1:${port}/slow`).then((res) => res.text());
    await new Promise((done) => setTimeout(done, 300));
    server.child.kill('SIGTERM');
    expect(await response).toBe('finished');
    expect(await server.exited).toBe(0);
  });

  it('when started with no database settings, then it serves pages on the embedded database and stops cleanly', async () => {
    const port = await freePort();
    const server = runTs('src/server.ts', { PORT: String(port), DATA_DIR: dataDir, HOST: '127.0.0.1' });
    await server.waitFor(/Parley listening/);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then((res) => res.json());
    expect(ready).toEqual({ status: 'ready', checks: { database: 'up', translation: 'off' } });
    const landing = await fetch(`http://127.0.0.1:${port}/`);
    expect(landing.status).toBe(200);
    expect(await landing.text()).toContain('Support in your language');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
