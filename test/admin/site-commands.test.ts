import { describe, expect, it } from 'vitest';
import { siteService } from '../../src/widget/index.js';
import { testDatabaseUri, useTestDatabase } from '../support/database.js';
import { runTs } from '../support/process.js';

describe('admin CLI: the sites that show the chat widget', { timeout: 120_000 }, () => {
  const database = useTestDatabase('site_commands');

  async function cli(args: string[]): Promise<{ code: number | null; output: string }> {
    const run = runTs('src/admin/cli.ts', { NODE_ENV: 'test', LOG_LEVEL: 'silent', MONGODB_URI: testDatabaseUri(database.name) }, args);
    run.child.stdin.end();
    const code = await run.exited;
    return { code, output: run.output() };
  }

  it('when a site is added, listed and removed, then the CLI prints its key and secret once and the database follows', async () => {
    const added = await cli(['site:add', '--origin', 'https://Shop.example/']);
    expect(added.code).toBe(0);
    const key = /Site key: (ps_[A-Za-z0-9_-]{16})/.exec(added.output)?.[1] ?? '';
    const secret = /Identity secret .*: ([0-9a-f]{64})/.exec(added.output)?.[1];
    expect(key).not.toBe('');
    expect(added.output).toContain(`data-parley-site="${key}"`);
    expect(await siteService.find(key)).toMatchObject({ origin: 'https://shop.example', secret });

    const again = await cli(['site:add', '--origin', 'https://shop.example']);
    expect(again.code).toBe(1);
    expect(again.output).toContain('https://shop.example is registered already');

    const listed = await cli(['site:list']);
    expect(listed.output).toMatch(new RegExp(`${key} +https://shop.example +added `));
    expect(listed.output).not.toContain(secret);

    const removed = await cli(['site:remove', key]);
    expect(removed.output).toContain(`Removed https://shop.example (${key}).`);
    expect(await siteService.find(key)).toBeUndefined();
  });

  it('when the origin is not an origin, then nothing is added and the CLI says why', async () => {
    for (const origin of ['shop.example', 'https://shop.example/products', 'javascript:alert(1)', 'ftp://shop.example']) {
      const run = await cli(['site:add', '--origin', origin]);
      expect(run.code, origin).toBe(1);
      expect(run.output).toContain('Give the site as an origin');
    }
    expect(await siteService.list()).toEqual([]);
  });
});
