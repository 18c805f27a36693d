import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findEmbeddedDatabaseProcess, freePort } from '../../src/lib/embedded-mongo.js';
import { runTs, type RunningProcess } from '../support/process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'parley-supervision-'));
const dbDir = join(dataDir, 'db');
const running: RunningProcess[] = [];
afterAll(async () => {
  for (const server of running) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}
const logLines = (server: RunningProcess): LogLine[] =>
  server.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as LogLine);
const withMessage = (server: RunningProcess, text: string) => logLines(server).filter((line) => line.msg.includes(text));

async function startServer(): Promise<{ server: RunningProcess; port: number }> {
  const port = await freePort();
  const server = runTs('src/server.ts', { PORT: String(port), DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_LEVEL: 'info' });
  running.push(server);
  return { server, port };
}

/** Probes /readyz in rounds of five, as load balancers would, until it was down and is up again. */
async function probesThroughOutage(port: number): Promise<number> {
  let downProbes = 0;
  for (;;) {
    const round = await Promise.all(Array.from({ length: 5 }, () => ready(port)));
    downProbes += round.filter((up) => !up).length;
    if (downProbes > 0 && round.every(Boolean)) return downProbes;
    await new Promise((done) => setTimeout(done, 50));
  }
}

const ready = (port: number) => fetch(`http://127.0.0.1:${port}/readyz`).then((res) => res.ok);

describe('embedded database supervision', { timeout: 120_000 }, () => {
  it('when the embedded database is killed, then its exit is logged once, it restarts on the same port and directory, and readiness changes are logged once each', async () => {
    const { server, port } = await startServer();
    await server.waitFor(/Parley listening/);
    expect(await ready(port)).toBe(true);
    const before = findEmbeddedDatabaseProcess(dbDir);
    expect(before).toBeDefined();

    process.kill(before!.pid, 'SIGKILL');
    await server.waitFor(/embedded database exited unexpectedly/);
    const downProbes = await probesThroughOutage(port);

    // How many probes land inside the outage depends on the machine's speed; the once-per-change
    // rule over many down probes is checked without timing in test/health/readiness-log.test.ts.
    expect(downProbes).toBeGreaterThanOrEqual(1);
    const exits = withMessage(server, 'embedded database exited unexpectedly');
    expect(exits).toEqual([expect.objectContaining({ level: 50, pid: before!.pid, signal: 'SIGKILL' })]);
    expect(withMessage(server, 'embedded database restarted')).toHaveLength(1);
    const after = findEmbeddedDatabaseProcess(dbDir);
    expect(after?.address).toBe(before!.address);
    expect(after?.pid).not.toBe(before!.pid);
    expect(withMessage(server, 'not ready: the database does not answer')).toHaveLength(1);
    expect(withMessage(server, 'ready again: the database answers')).toHaveLength(1);
    expect(server.output()).not.toContain('failed with status code 503');
  });

  it('when a second server starts on the same DATA_DIR, then it refuses with a clear message and the first one keeps serving', async () => {
    const [first] = running;
    const { server: second } = await startServer();
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/already in use by process \d+ \(another Parley server\?\)/);
    expect(second.output()).toContain(dbDir);
    expect(first?.child.exitCode).toBeNull();
    expect(findEmbeddedDatabaseProcess(dbDir)).toBeDefined();
  });
});
