import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { createUserService } from '../../src/auth/index.js';
import { buildTestApp, testAuth, testConfig } from '../support/app.js';
import { createRep, loginAgent, type TestAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';

// No process cache: what another process (the admin CLI) changes is seen on the next request.
const config = testConfig({ AUTH_CACHE_MS: '0' });
const HOUR = 3_600_000;

interface StoredSession {
  _id: string;
  session: string;
}

const sessions = () => mongoose.connection.collection<StoredSession>('sessions');

async function sessionsOf(userId: string): Promise<{ id: string; data: { loginAt?: number; passport?: { user?: string } } }[]> {
  const all = await sessions().find({}).toArray();
  return all
    .map((doc) => ({ id: doc._id, data: JSON.parse(doc.session) as { loginAt?: number; passport?: { user?: string } } }))
    .filter((entry) => entry.data.passport?.user === userId);
}

/** The admin CLI's view: a user service of its own, with no cache. */
const adminUsers = () => createUserService({ bcryptCost: config.bcryptCost });

async function loggedInRep() {
  const auth = testAuth(config);
  const app = buildTestApp({ config, auth });
  const rep = await createRep();
  const agent = await loginAgent(app, { role: 'rep', username: rep.username, password: rep.password });
  expect((await agent.get('/account')).status).toBe(200);
  const [stored] = await sessionsOf(rep.user.id);
  if (!stored) throw new Error('no stored session after login');
  return { auth, app, rep, agent, sessionId: stored.id };
}

async function expectLoggedOut(agent: TestAgent) {
  const page = await agent.get('/account').set('Accept', 'text/html');
  expect(page.status).toBe(302);
  expect(page.headers.location).toMatch(/^\/auth\/customer\/login/);
}

describe('ending sessions: password reset, disabling, absolute lifetime', () => {
  useTestDatabase('auth_session_revocation');

  it('when a user logs in, then the session records the login time', async () => {
    const before = Date.now();
    const { rep } = await loggedInRep();
    const [stored] = await sessionsOf(rep.user.id);
    expect(stored?.data.loginAt).toBeGreaterThanOrEqual(before);
  });

  it('when a rep password is reset from another process, then the old session is logged out and deleted', async () => {
    const { auth, rep, agent, sessionId } = await loggedInRep();
    await adminUsers().resetPassword('rep', rep.username, 'a brand new password');

    expect(await sessionsOf(rep.user.id)).toHaveLength(0);
    expect(await auth.isSignedIn(rep.user.id, sessionId)).toBe(false);
    await expectLoggedOut(agent);
  });

  it('when a session written back after the reset still names the user, then it is refused all the same', async () => {
    const { auth, rep, agent, sessionId } = await loggedInRep();
    const [before] = await sessions().find({ _id: sessionId }).toArray();
    await adminUsers().resetPassword('rep', rep.username, 'a brand new password');
    // A request that was in flight during the reset saves its copy of the session again.
    if (before) await sessions().insertOne(before);

    expect(await auth.isSignedIn(rep.user.id, sessionId)).toBe(false);
    expect((await auth.signedInAmong([{ userId: rep.user.id, sessionId }])).size).toBe(0);
    await expectLoggedOut(agent);
    expect(await sessions().countDocuments({ _id: sessionId })).toBe(0);
  });

  it('when a rep is disabled and enabled again, then the old session stays logged out and a new login works', async () => {
    const { app, auth, rep, agent, sessionId } = await loggedInRep();
    await adminUsers().setDisabled('rep', rep.username, true);
    await adminUsers().setDisabled('rep', rep.username, false);

    expect(await auth.isSignedIn(rep.user.id, sessionId)).toBe(false);
    await expectLoggedOut(agent);
    const again = await loginAgent(app, { role: 'rep', username: rep.username, password: rep.password });
    expect((await again.get('/account')).status).toBe(200);
  });

  it('when a busy session is older than its absolute lifetime, then it is logged out although it never idled', async () => {
    const { auth, rep, agent, sessionId } = await loggedInRep();
    const [stored] = await sessionsOf(rep.user.id);
    const eightDaysAgo = Date.now() - 8 * 24 * HOUR;
    await sessions().updateOne({ _id: sessionId }, { $set: { session: JSON.stringify({ ...stored?.data, loginAt: eightDaysAgo }) } });

    expect(await auth.isSignedIn(rep.user.id, sessionId)).toBe(false);
    await expectLoggedOut(agent);
    expect(await sessions().countDocuments({ _id: sessionId })).toBe(0);
  });

  it('when a session is within its absolute lifetime, then it stays logged in', async () => {
    const { auth, rep, agent, sessionId } = await loggedInRep();
    const [stored] = await sessionsOf(rep.user.id);
    const sixDaysAgo = Date.now() - 6 * 24 * HOUR;
    await sessions().updateOne({ _id: sessionId }, { $set: { session: JSON.stringify({ ...stored?.data, loginAt: sixDaysAgo }) } });

    expect(await auth.isSignedIn(rep.user.id, sessionId)).toBe(true);
    expect((await agent.get('/account')).status).toBe(200);
  });

  it('when SESSION_ABSOLUTE_HOURS is set, then it is the absolute lifetime', () => {
    expect(testConfig().session.absoluteMs).toBe(168 * HOUR);
    expect(testConfig({ SESSION_ABSOLUTE_HOURS: '24' }).session.absoluteMs).toBe(24 * HOUR);
  });
});
