import { afterEach, describe, expect, it } from 'vitest';
import { conversationCache } from '../../src/conversations/conversation-cache.js';
import { announceTouchedConversations } from '../../src/conversations/conversation-notices.js';
import { Conversation } from '../../src/conversations/conversation.model.js';
import { conversationStore } from '../../src/conversations/conversation.store.js';
import { composeTestApp, testConfig } from '../support/app.js';
import { createCustomer } from '../support/auth.js';
import { testDatabaseUri, useTestDatabase } from '../support/database.js';
import { runTs } from '../support/process.js';

describe('the server\'s recent views and the admin CLI', { timeout: 120_000 }, () => {
  const database = useTestDatabase('conversation_notices');
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  async function serving() {
    const feature = composeTestApp({ config: testConfig() }).deps.conversations;
    const watcher = feature.watchOtherProcesses();
    stop = watcher.stop;
    const customer = await createCustomer();
    const { conversation } = await feature.conversations.startOrResume(customer.user);
    await feature.messaging.send(customer.user, { conversationId: conversation.id, clientId: 'notice-1', body: 'hola' });
    return { feature, watcher, customer, conversation };
  }

  it('when the CLI closes a conversation the server holds a view of, then after the server\'s next notice round the customer can no longer send', async () => {
    const { feature, watcher, customer, conversation } = await serving();

    const run = runTs('src/admin/cli.ts', { NODE_ENV: 'test', LOG_LEVEL: 'info', MONGODB_URI: testDatabaseUri(database.name) }, ['conversations:close', conversation.id]);
    run.child.stdin.end();
    expect(await run.exited).toBe(0);
    await watcher.check();

    await expect(feature.messaging.send(customer.user, { conversationId: conversation.id, clientId: 'notice-2', body: 'sigo aquí' })).rejects.toMatchObject({ code: 'conversation_closed' });
  });

  it('when a view is written back after the first round forgot it (a group commit on its way), then the second round forgets it too, and the notice is gone after', async () => {
    const { watcher, conversation } = await serving();
    const stale = conversationCache.get(conversation.id);
    expect(stale?.status).toBe('open');
    // What another process does: changes the document, then announces what it touched.
    await Conversation.updateOne({ _id: conversation.id }, { $set: { status: 'closed' } });
    conversationCache.recordTouched();
    conversationCache.forget(conversation.id);
    await announceTouchedConversations();

    await watcher.check();
    expect(conversationCache.get(conversation.id)).toBeUndefined();
    conversationCache.remember(stale!);
    await watcher.check();
    expect(conversationCache.get(conversation.id)).toBeUndefined();
    conversationCache.remember(stale!);
    await watcher.check();

    expect(conversationCache.get(conversation.id)).toBe(stale);
    expect(await Conversation.db.collection('conversation_notices').countDocuments()).toBe(0);
  });

  it('when a customer changes their account language, then the server\'s recent view of their open conversation carries it at once', async () => {
    const { feature, customer, conversation } = await serving();

    await feature.changeAccountLanguage(customer.user, 'DE');

    expect(conversationCache.get(conversation.id)?.customer.language).toBe('DE');
  });

  it('when DeepL reads another language in a customer\'s message, then the recent view carries the streak the next one is judged against', async () => {
    const { conversation } = await serving();

    await conversationStore.recordDetectedLanguage(conversation.id, 'PT-BR');

    expect(conversationCache.get(conversation.id)?.detectedLanguage).toBe('PT');
  });
});
