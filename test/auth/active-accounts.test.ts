import mongoose from 'mongoose';
import { describe, expect, it, vi } from 'vitest';
import { createUserService } from '../../src/auth/index.js';
import { UserModel } from '../../src/auth/user.model.js';
import { useTestDatabase } from '../support/database.js';

useTestDatabase('active_accounts', { monitorCommands: true });

describe('active accounts read in one batch (the sign-in sweep)', () => {
  it('when accounts are read together, then each active one comes with its user and login cut-off, and a disabled one is left out', async () => {
    const users = createUserService({ bcryptCost: 4 });
    const cutOff = new Date('2026-11-30T10:00:00Z');
    const [ana, ben, cleo] = await Promise.all(
      ['ana', 'ben', 'cleo'].map((name) => users.createUser('rep', { username: `${name}_${Date.now()}`, password: 'long enough password 1', language: 'DE' })),
    );
    await UserModel.updateOne({ _id: ben!.id }, { $set: { sessionsValidAfter: cutOff } });
    // Disabled in the database alone (no login cut-off): the flag itself must keep the account out.
    await UserModel.updateOne({ _id: cleo!.id }, { $set: { disabled: true } });

    const found = await users.findActiveAccounts([ana!.id, ben!.id, cleo!.id]);

    expect([...found.keys()].sort()).toEqual([ana!.id, ben!.id].sort());
    expect(found.get(ana!.id)).toEqual({ user: { id: ana!.id, username: ana!.username, role: 'rep', language: 'DE' }, sessionsValidAfter: null });
    expect(found.get(ben!.id)?.sessionsValidAfter?.toISOString()).toBe(cutOff.toISOString());
  });

  it('when more accounts than one lookup batch are read, then every one is found and no query asks for more than a batch of ids (the embedded database\'s index answers up to 1,000)', async () => {
    const users = createUserService({ bcryptCost: 4 });
    const [first, last] = await Promise.all(['first', 'last'].map((name) => users.createUser('rep', { username: `${name}_${Date.now()}`, password: 'long enough password 1', language: 'DE' })));
    const unknown = Array.from({ length: 1_100 }, () => new mongoose.Types.ObjectId().toString());
    const finds = vi.spyOn(UserModel, 'find');
    try {
      const found = await users.findActiveAccounts([first!.id, ...unknown, last!.id]);
      expect([...found.keys()].sort()).toEqual([first!.id, last!.id].sort());
      const asked = finds.mock.calls.map(([filter]) => (filter as unknown as { _id: { $in: unknown[] } })._id.$in.length);
      expect(asked.reduce((sum, count) => sum + count, 0)).toBe(1_102);
      expect(Math.max(...asked)).toBeLessThanOrEqual(500);
    } finally {
      finds.mockRestore();
    }
  });

  it('when more active accounts than one reply holds by default (101) are read, then each batch is one command, no getMore', async () => {
    const users = createUserService({ bcryptCost: 4 });
    const created = await Promise.all(Array.from({ length: 120 }, (_, i) => users.createUser('rep', { username: `many${i}_${Date.now()}`, password: 'long enough password 1', language: 'DE' })));
    const asked: string[] = [];
    const listener = (event: { commandName: string }) => asked.push(event.commandName);
    mongoose.connection.getClient().on('commandStarted', listener);
    try {
      expect((await users.findActiveAccounts(created.map((user) => user.id))).size).toBe(120);
    } finally {
      mongoose.connection.getClient().off('commandStarted', listener);
    }
    expect(asked).toEqual(['find']);
  });
});
