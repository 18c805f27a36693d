import { describe, expect, it } from 'vitest';
import { SavedReply } from '../../src/saved-replies/saved-reply.model.js';
import { createRep } from '../support/auth.js';
import { testDatabaseUri, useTestDatabase } from '../support/database.js';
import { runTs } from '../support/process.js';

describe('admin CLI: saved replies', { timeout: 120_000 }, () => {
  const database = useTestDatabase('reply_commands');

  async function cli(args: string[]): Promise<{ code: number | null; output: string }> {
    const run = runTs('src/admin/cli.ts', { NODE_ENV: 'test', LOG_LEVEL: 'info', MONGODB_URI: testDatabaseUri(database.name) }, args);
    run.child.stdin.end();
    const code = await run.exited;
    return { code, output: run.output() };
  }

  it('when an admin adds a team reply and a rep\'s private one, lists and removes them, then the database follows and the output says so', async () => {
    const rep = await createRep({ language: 'DE' });
    const team = await cli(['replies:add', '--name', 'hours', '--language', 'en-us', 'We answer from 9 to 17, {{customer.name}}.']);
    expect(team.code).toBe(0);
    expect(team.output).toMatch(/Saved \/hours \(shared, EN-US\)/);
    const own = await cli(['replies:add', '--name', 'danke', '--rep', rep.username, '--private', 'Danke für Ihre Geduld.']);
    expect(own.output).toMatch(/Saved \/danke \(private, DE\)/);
    const refused = await cli(['replies:add', '--name', 'no language', 'Hi']);
    expect(refused.code).not.toBe(0);

    const list = await cli(['replies:list']);
    expect(list.code).toBe(0);
    expect(list.output).toContain('/hours  EN-US  shared  by team');
    expect(list.output).toContain(`/danke  DE  private  by ${rep.username}`);

    const hours = await SavedReply.findOne({ name: 'hours' }).lean();
    const removed = await cli(['replies:remove', hours!._id.toString()]);
    expect(removed.output).toContain('Removed /hours.');
    expect((await SavedReply.find({}).lean()).map((reply) => reply.name)).toEqual(['danke']);
  });
});
