import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/lib/paths.js';
import { builtCli, isBuildStale } from '../../scripts/admin.mjs';

const dir = mkdtempSync(join(tmpdir(), 'parley-admin-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileAt(path: string, secondsAgo: number): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '');
  const when = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(path, when, when);
  return path;
}

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['scripts/admin.mjs', ...args], { cwd: projectRoot, env: { PATH: process.env.PATH, HOME: process.env.HOME } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((done) => child.once('exit', (code) => done({ code, output })));
}

describe('npm run admin (the built CLI)', { timeout: 180_000 }, () => {
  it('when the built CLI is missing, then it is built first', () => {
    expect(isBuildStale(join(dir, 'missing-src'), join(dir, 'missing.js'))).toBe(true);
  });

  it('when a source file is newer than the built CLI, then it is rebuilt; when older, it is used as is', () => {
    const output = fileAt(join(dir, 'dist', 'cli.js'), 60);
    fileAt(join(dir, 'src', 'admin', 'cli.ts'), 120);
    expect(isBuildStale(join(dir, 'src'), output)).toBe(false);
    fileAt(join(dir, 'src', 'auth', 'deep', 'changed.ts'), 1);
    expect(isBuildStale(join(dir, 'src'), output)).toBe(true);
  });

  it('when there are no sources (the Docker image), then the built CLI is used as is', () => {
    expect(isBuildStale(join(dir, 'no-src-here'), fileAt(join(dir, 'image', 'cli.js'), 5))).toBe(false);
  });

  it('when run, then the admin CLI answers from dist/ and the npm script uses this launcher, not tsx', async () => {
    const result = await run(['--help']);
    expect(result.output).toContain('Usage: npm run admin --');
    expect(result.code).toBe(0);
    expect(builtCli).toBe(join(projectRoot, 'dist', 'src', 'admin', 'cli.js'));
    const scripts = (JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.admin).toBe('node scripts/admin.mjs');
  });
});
