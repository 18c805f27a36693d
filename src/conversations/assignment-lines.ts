// The short line a customer sees when their conversation is handed to another rep ("You are now
// talking to Ahmed"), by a colleague or an admin. A rep taking an unassigned conversation by
// joining it writes none: the customer meets them with their first answer, and a line per join
// would reach SMS and WhatsApp customers as a message of its own. The line is a message like any
// other (kind `system`), so it takes the one pipeline: stored, counted, translated on write into
// the customer's language, delivered on every channel. The hand-over note is never part of it.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../lib/logger.js';
import type { AssignmentChange, ConversationEvents } from './conversation.events.js';
import type { ConversationView } from './conversation.view.js';
import type { MessagePipeline } from './message-pipeline.js';

/** The lines are written in English; translation on write gives each reader theirs. */
export const SYSTEM_LINE_LANGUAGE = 'EN-US';

export function systemLineFor(change: AssignmentChange): string | undefined {
  return change.reason === 'joined' ? undefined : `You are now talking to ${change.to.username}`;
}

/**
 * Writes the line for every assignment. `settled` waits for the lines being written (the admin
 * CLI exits only after them); `stop` unsubscribes.
 */
export function writeAssignmentLines(deps: { events: ConversationEvents; pipeline: MessagePipeline; logger: Logger }) {
  const { events, pipeline, logger } = deps;
  const writing = new Set<Promise<unknown>>();
  const onAssigned = (conversation: ConversationView, change: AssignmentChange) => {
    const body = systemLineFor(change);
    if (!body) return;
    const author = { id: change.to.id, username: change.to.username, role: 'rep' as const, language: SYSTEM_LINE_LANGUAGE };
    const line = pipeline
      .accept({ conversation, author, clientId: `system-${randomUUID()}`, body, kind: 'system' })
      .catch((error: unknown) => logger.warn({ err: error, conversationId: conversation.id }, 'assignment line not written'))
      .finally(() => writing.delete(line));
    writing.add(line);
  };
  events.on('assigned', onAssigned);
  return {
    settled: async (): Promise<void> => void (await Promise.all([...writing])),
    stop: () => events.off('assigned', onAssigned),
  };
}
