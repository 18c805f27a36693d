import { describe, expect, it } from 'vitest';
import { Conversation } from '../../src/conversations/conversation.model.js';
import { Message } from '../../src/conversations/message.model.js';
import { composeTestApp, testConfig } from '../support/app.js';
import { createCustomer, createRep } from '../support/auth.js';
import { testDatabaseUri, useTestDatabase } from '../support/database.js';
import { runTs } from '../support/process.js';

describe('admin CLI: who owns which conversation', { timeout: 120_000 }, () => {
  const database = useTestDatabase('assignment_commands');

  async function cli(args: string[]): Promise<{ code: number | null; output: string }> {
    const run = runTs('src/admin/cli.ts', { NODE_ENV: 'test', LOG_LEVEL: 'info', MONGODB_URI: testDatabaseUri(database.name) }, args);
    run.child.stdin.end();
    const code = await run.exited;
    return { code, output: run.output() };
  }

  it('when an admin lists, reassigns and unassigns, then the owner follows, the customer is told, and away reps are refused', async () => {
    const feature = composeTestApp({ config: testConfig() }).deps.conversations;
    const [customer, ana, bo] = await Promise.all([createCustomer(), createRep(), createRep()]);
    const { conversation } = await feature.conversations.startOrResume(customer.user);
    await feature.conversations.join(ana.user, conversation.id);
    await feature.assignmentLinesWritten();

    const listed = await cli(['conversations:assignments']);
    expect(listed.code).toBe(0);
    expect(listed.output).toMatch(new RegExp(`${conversation.id}  owner=${ana.username} since `));
    expect(listed.output).toContain(`${bo.username} (available)`);

    const assigned = await cli(['conversations:assign', conversation.id, '--rep', bo.username]);
    expect(assigned.code).toBe(0);
    expect(assigned.output).toContain(`is now owned by "${bo.username}"`);
    expect((await Conversation.findById(conversation.id).lean())?.assignee?.username).toBe(bo.username);
    const lines = await Message.find({ conversationId: conversation.id, kind: 'system' }).sort({ _id: 1 }).lean();
    expect(lines.map((line) => line.body)).toEqual([`You are now talking to ${bo.username}`]);

    await feature.assignment.setAvailability(ana.user, 'away');
    const refused = await cli(['conversations:assign', conversation.id, '--rep', ana.username]);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('is away');

    const unassigned = await cli(['conversations:assign', conversation.id, '--none']);
    expect(unassigned.output).toContain('nobody (unassigned)');
    expect((await Conversation.findById(conversation.id).lean())?.assignee).toBeNull();
    expect((await cli(['conversations:assign', conversation.id])).code).toBe(1);
  });
});
