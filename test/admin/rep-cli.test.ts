import mongoose from 'mongoose';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { UserModel } from '../../src/auth/user.model.js';
import { buildTestApp } from '../support/app.js';
import { createCustomer, csrfToken, uniqueUsername } from '../support/auth.js';
import { testDatabaseUri, useTestDatabase } from '../support/database.js';
import { runTs } from '../support/process.js';

const CLI = 'src/admin/cli.ts';
const PASSWORD = 'Rep-Secret-Passw0rd';

async function login(path: string, username: string, password: string): Promise<number> {
  const agent = request.agent(buildTestApp());
  const token = await csrfToken(agent, path);
  return (await agent.post(path).type('form').send({ username, password, _csrf: token })).status;
}

/** Everything stored in the test database, as text. */
async function databaseDump(): Promise<string> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected');
  const collections = await db.listCollections().toArray();
  const dumps = await Promise.all(collections.map(async ({ name }) => JSON.stringify(await db.collection(name).find().toArray())));
  return dumps.join('\n');
}

describe('admin CLI: rep commands', { timeout: 120_000 }, () => {
  const database = useTestDatabase('admin_reps');

  async function cli(args: string[], stdin?: string): Promise<{ code: number | null; output: string }> {
    const env = { NODE_ENV: 'test', BCRYPT_COST: '4', LOG_LEVEL: 'info', MONGODB_URI: testDatabaseUri(database.name) };
    const run = runTs(CLI, env, args);
    run.child.stdin.end(stdin ?? '');
    const code = await run.exited;
    return { code, output: run.output() };
  }

  it('when rep:create reads a password from stdin, then a bcrypt hash is stored, the password is nowhere, and the rep can log in at the rep login only', async () => {
    const username = uniqueUsername('Rep');
    const created = await cli(['rep:create', '--username', username, '--language', 'en-us', '--password-stdin'], `${PASSWORD}\n`);
    expect(created.output).toContain(`Created rep "${username}" (EN-US)`);
    expect(created.code).toBe(0);
    expect(created.output).not.toContain(PASSWORD);

    const stored = await UserModel.findOne({ usernameKey: username.toLowerCase() }).select('+passwordHash').lean();
    expect(stored?.role).toBe('rep');
    expect(stored?.passwordHash).toMatch(/^\$2[aby]\$04\$[./A-Za-z0-9]{53}$/);
    expect(await databaseDump()).not.toContain(PASSWORD);

    expect(await login('/auth/rep/login', username, PASSWORD)).toBe(303);
    const customer = await createCustomer();
    expect(await login('/auth/rep/login', customer.username, customer.password)).toBe(401);
    expect(await databaseDump()).not.toContain(PASSWORD);
  });

  it('when reps are disabled, enabled and listed, then logins follow and the list shows their status', async () => {
    const username = uniqueUsername('rep');
    expect((await cli(['rep:create', '--username', username, '--language', 'DE', '--password-stdin'], PASSWORD)).code).toBe(0);

    const disabled = await cli(['rep:disable', '--username', username.toUpperCase()]);
    expect(disabled.code).toBe(0);
    expect(await login('/auth/rep/login', username, PASSWORD)).toBe(401);
    const listed = await cli(['rep:list']);
    expect(listed.output).toMatch(new RegExp(`${username}\\s+DE\\s+disabled\\s+never`));

    expect((await cli(['rep:enable', '--username', username])).code).toBe(0);
    expect(await login('/auth/rep/login', username, PASSWORD)).toBe(303);
    const json = await cli(['rep:list', '--json']);
    const reps = JSON.parse(json.output.split('\n').find((line) => line.startsWith('[')) ?? '[]') as { username: string; disabled: boolean }[];
    expect(reps.find((rep) => rep.username === username)?.disabled).toBe(false);
  });

  it('when a rep password is reset, then only the new password works', async () => {
    const username = uniqueUsername('rep');
    await cli(['rep:create', '--username', username, '--language', 'FR', '--password-stdin'], PASSWORD);
    const reset = await cli(['rep:reset-password', '--username', username, '--password-stdin'], 'an entirely new one');
    expect(reset.code).toBe(0);
    expect(reset.output).not.toContain('an entirely new one');
    expect(await login('/auth/rep/login', username, PASSWORD)).toBe(401);
    expect(await login('/auth/rep/login', username, 'an entirely new one')).toBe(303);
  });

  it('when a command fails, then it exits non-zero with a clear message and changes nothing', async () => {
    const taken = uniqueUsername('rep');
    await cli(['rep:create', '--username', taken, '--language', 'ES', '--password-stdin'], PASSWORD);
    const repsBefore = await UserModel.countDocuments({ role: 'rep' });

    const duplicate = await cli(['rep:create', '--username', taken.toUpperCase(), '--language', 'ES', '--password-stdin'], PASSWORD);
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.output).toContain('username: That username is already taken');

    const weak = await cli(['rep:create', '--username', uniqueUsername('rep'), '--language', 'XX', '--password-stdin'], 'short');
    expect(weak.code).not.toBe(0);
    expect(weak.output).toContain('password: Use at least 10 characters.');
    expect(weak.output).toContain('language: Choose one of the listed languages.');

    const missing = await cli(['rep:disable', '--username', 'nobody_here']);
    expect(missing.code).not.toBe(0);
    expect(missing.output).toContain('No rep named "nobody_here"');

    const noTerminal = await cli(['rep:create', '--username', uniqueUsername('rep'), '--language', 'ES']);
    expect(noTerminal.code).not.toBe(0);
    expect(noTerminal.output).toContain('--password-stdin');

    const inArgv = await cli(['rep:create', '--username', uniqueUsername('rep'), '--language', 'ES', '--password', PASSWORD]);
    expect(inArgv.code).not.toBe(0);
    expect(inArgv.output).toContain("unknown option '--password'");
    expect(await UserModel.countDocuments({ role: 'rep' })).toBe(repsBefore);
  });
});
