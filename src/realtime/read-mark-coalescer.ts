// Read marks, coalesced: a page marks a conversation read as messages arrive, and each mark used
// to be a database write and a dashboard update. Marks of one reader in one conversation that
// arrive within a short window now make one, the newest mark only; the window starts with the
// first mark, so a steady stream of them is written once per window, never starved.
import type { User } from '../contract/chat.js';
import { newerMark, type ConversationsFeature } from '../conversations/index.js';
import { toAppError } from '../lib/error-middleware.js';
import type { Logger } from '../lib/logger.js';

export interface ReadMark {
  user: User;
  conversationId: string;
  /** The newest message the reader has read; undefined: everything. */
  messageId?: string;
}

export interface ReadMarkCoalescerOptions {
  /** How long marks are collected before the newest of each goes out (0: on the next turn of the event loop). */
  windowMs: number;
  /** Writes one mark (authorizes it, too: marks are only parsed when they arrive). */
  apply(mark: ReadMark): Promise<unknown>;
  /** A mark whose write failed; nobody waits for it, so this is where it is reported. */
  onError(error: unknown, mark: ReadMark): void;
}

export function createReadMarkCoalescer(options: ReadMarkCoalescerOptions) {
  const pending = new Map<string, ReadMark>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  /** Writes every pending mark now; resolves once they are written (or failed). */
  async function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    const marks = [...pending.values()];
    pending.clear();
    await Promise.all(marks.map((mark) => options.apply(mark).catch((error: unknown) => options.onError(error, mark))));
  }

  return {
    /** A reader's mark: kept until the window ends, replacing an older one of theirs in that conversation. */
    mark(next: ReadMark): void {
      if (closed) return;
      const key = `${next.conversationId} ${next.user.id}`;
      const earlier = pending.get(key);
      pending.set(key, earlier ? { ...next, messageId: newerMark(earlier.messageId, next.messageId) } : next);
      timer ??= setTimeout(() => void flush(), options.windowMs);
    },
    flush,
    /** Writes what is pending and takes no more marks (shutdown: the sockets are closing). */
    close(): Promise<void> {
      closed = true;
      return flush();
    },
    /** Marks waiting for their window (tests, shutdown). */
    pendingCount: (): number => pending.size,
  };
}

export type ReadMarkCoalescer = ReturnType<typeof createReadMarkCoalescer>;

/** The sockets' read marks, written through the messaging service (which authorizes each). */
export function messagingReadMarks(messaging: Pick<ConversationsFeature['messaging'], 'markRead'>, logger: Logger, windowMs: number): ReadMarkCoalescer {
  return createReadMarkCoalescer({
    windowMs,
    apply: ({ user, conversationId, messageId }) => messaging.markRead(user, conversationId, messageId),
    // A conversation the reader may not see, or one deleted meanwhile, is not worth a log line.
    onError: (error) => {
      if (!toAppError(error).operational) logger.error({ err: error }, 'read mark not written');
    },
  });
}

