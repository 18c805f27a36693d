// The hot path's writes, grouped: every message stored while the previous group was on its way,
// or within the collection window after the first one (MESSAGE_WRITE_WINDOW_MS), goes in one insert, and their conversations' counters in one bulk write (two database commands
// per group, whatever its size). A sender's promise settles after both writes answered, so an
// acknowledged message is durable and counted; a failed write fails each sender it carried.
import type { User } from '../contract/chat.js';
import { conversationStore } from './conversation.store.js';
import type { ConversationView } from './conversation.view.js';
import { messageStore, type NewMessage, type StoredChatMessage } from './message.store.js';
import { createWriteBatcher, type BatchOutcome } from '../lib/write-batcher.js';

interface PendingMessage {
  conversation: ConversationView;
  message: NewMessage;
  author: Pick<User, 'id' | 'role'>;
}

export interface WrittenMessage {
  stored: StoredChatMessage;
  /** The conversation after the message; absent for a resend (nothing new was counted). */
  updated?: ConversationView;
}

/** The two stores the writer groups writes for (the real ones; a test may hand in failing ones). */
export interface MessageWriterStores {
  storeMany: typeof messageStore.storeMany;
  recordMessages: typeof conversationStore.recordMessages;
}

const realStores: MessageWriterStores = { storeMany: messageStore.storeMany, recordMessages: conversationStore.recordMessages };

export interface MessageWriterOptions {
  /** The stores written to (a test may hand in failing ones). */
  stores?: MessageWriterStores;
  /** How long a message that finds the database idle waits for others to share its write (0: none). */
  windowMs?: number;
}

export function createMessageWriter(options: MessageWriterOptions = {}) {
  const stores = options.stores ?? realStores;
  async function writeTogether(items: readonly PendingMessage[]): Promise<BatchOutcome<WrittenMessage>[]> {
    const stored = await stores.storeMany(items.map((item) => ({ conversationId: item.conversation.id, message: item.message })));
    // Only messages stored now are recorded; resends and failures are not. A private note is
    // only listed among the newest ids (conversation.store recordMessages), never counted.
    const fresh = items.flatMap((item, index) => {
      const outcome = stored[index];
      return outcome?.ok && outcome.value.created ? [{ index, current: item.conversation, message: outcome.value.message, author: item.author }] : [];
    });
    const recorded = fresh.length > 0 ? await stores.recordMessages(fresh) : [];
    const byIndex = new Map(fresh.map((entry, position) => [entry.index, recorded[position]]));
    return items.map((_, index): BatchOutcome<WrittenMessage> => {
      const outcome = stored[index];
      if (!outcome?.ok) return outcome ?? { ok: false, error: new Error('not written') };
      if (!outcome.value.created || outcome.value.message.kind === 'note') return { ok: true, value: { stored: outcome.value } };
      const counted = byIndex.get(index);
      if (!counted?.ok) return { ok: false, error: counted?.error ?? new Error('not counted') };
      return { ok: true, value: { stored: outcome.value, updated: counted.value } };
    });
  }

  const batcher = createWriteBatcher<PendingMessage, WrittenMessage>({ write: writeTogether, maxItems: 200, windowMs: options.windowMs ?? 0 });

  return {
    /** Stores the message once (per clientId) and counts it on its conversation, grouped with concurrent ones. */
    write: (conversation: ConversationView, message: NewMessage, author: Pick<User, 'id' | 'role'>): Promise<WrittenMessage> =>
      batcher.submit({ conversation, message, author }),
  };
}

export type MessageWriter = ReturnType<typeof createMessageWriter>;
