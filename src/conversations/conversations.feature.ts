import { performance } from 'node:perf_hooks';
import type { AccessTokenResponse, User } from '../contract/chat.js';
import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';
import type { TranslationCostSummary, UsageFigure } from '../translation/index.js';
import { writeAssignmentLines } from './assignment-lines.js';
import { createAssignmentService, type RepDirectory } from './assignment.service.js';
import { createBuiltinTransport } from './builtin-transport.js';
import { ConversationEvents } from './conversation.events.js';
import { createConversationService } from './conversation.service.js';
import type { MessageTransport } from './conversation.types.js';
import { conversationCache } from './conversation-cache.js';
import { watchConversationNotices } from './conversation-notices.js';
import { conversationStore } from './conversation.store.js';
import { dashboardQueue } from './dashboard-queue.js';
import type { ConversationView } from './conversation.view.js';
import { customerPanelFor } from './customer-panel.js';
import { languagePromptFor } from './language-prompt.js';
import { createMessagePipeline, type MessageTranslations } from './message-pipeline.js';
import { createMessageWriter } from './message-writer.js';
import { createMessagingService } from './messaging.service.js';
import { createTranscriptService } from './transcript.service.js';

/** Issues a browser access token for an identity (the Twilio transport has them). */
export type AccessTokenIssuer = (identity: string) => Promise<{ token: string; identity: string; expiresAt: string }>;

export interface ConversationsFeatureDeps {
  config: Readonly<Config>;
  logger: Logger;
  translations?: MessageTranslations;
  /** Chosen by the composition root from configuration; the built-in one when omitted. */
  transport?: MessageTransport;
  issueToken?: AccessTokenIssuer;
  /** Changes a user's account language (the customer accepted the suggested one). */
  changeLanguage?: (user: User, language: string) => Promise<void>;
  /** The cost meter's figure for one conversation (the rep's chat page and JSON transcript show it). */
  translationCost?: (conversationId: string) => Promise<UsageFigure>;
  /** Today, this month and the monthly budget (the rep dashboard shows it). */
  translationCostSummary?: () => Promise<TranslationCostSummary>;
  /** The active reps (hand-over targets, the team's availability). */
  reps?: RepDirectory;
}

const singleInstanceCacheMs = 10_000;

/** Everything the conversations feature needs at runtime, built once. */
export function createConversationsFeature(deps: ConversationsFeatureDeps) {
  const transport = deps.transport ?? createBuiltinTransport();
  const { issueToken, logger } = deps;
  // One instance writes every conversation through its own store, so its recent views are exact
  // but for other processes (the admin CLI): kept 10 s, or while the server watches their notices
  // (watchOtherProcesses) until evicted; several instances (REDIS_URL) see each other's changes within AUTH_CACHE_MS.
  conversationCache.configure(deps.config.redisUrl ? deps.config.session.cacheMs : singleInstanceCacheMs);
  // The same rule for the dashboard's queues: kept in this process when it is the only server.
  dashboardQueue.configure(deps.config.redisUrl ? 'off' : 'serve');
  const events = new ConversationEvents();
  const conversations = createConversationService({ transport, events, logger });
  const writer = createMessageWriter({ windowMs: deps.config.messageWriteWindowMs });
  const pipeline = createMessagePipeline({ transport, events, translations: deps.translations, logger, writer });
  const messaging = createMessagingService({ conversations, pipeline, events });
  const transcripts = createTranscriptService({ conversations, translations: deps.translations, logger, translationCost: deps.translationCost });
  const assignment = createAssignmentService({ conversations, events, reps: deps.reps });
  const assignmentLines = writeAssignmentLines({ events, pipeline, logger });
  return {
    /**
     * The serving instance of a single-instance deployment (no REDIS_URL): it writes every change
     * through its recent views, so they live until evicted, and the changes other processes make
     * (the admin CLI) arrive as notices within a poll (conversation-notices.ts). Answers how to stop.
     */
    watchOtherProcesses: () => watchConversationNotices({ fallbackTtlMs: singleInstanceCacheMs, logger }),
    assignment,
    /** Resolves once the system lines of assignments made so far are stored (the admin CLI waits for it). */
    assignmentLinesWritten: assignmentLines.settled,
    customerPanel: customerPanelFor,
    transport,
    events,
    conversations,
    pipeline,
    messaging,
    transcripts,
    translationCharacters: async (conversationId: string) => (await deps.translationCost?.(conversationId))?.characters,
    /** A meter that cannot be read leaves the dashboard without its summary, never without its list. */
    translationCostSummary: async () =>
      deps.translationCostSummary?.().catch((error: unknown) => {
        logger.warn({ err: error }, 'translation cost summary unavailable');
        return undefined;
      }),
    languagePrompt: (view: ConversationView, user: User) => languagePromptFor(view, user, deps.translations),
    /** A user chose another language on their account page: account and open conversations follow. */
    async changeAccountLanguage(user: User, language: string): Promise<void> {
      await deps.changeLanguage?.(user, language);
      for (const updated of await conversationStore.setParticipantLanguage(user, language)) events.emit('updated', updated);
    },
    /** The customer's answer to the language question: a language to switch to, or none to keep theirs. */
    answerLanguage: (user: User, id: string, language: string | undefined) =>
      conversations.answerLanguage(user, id, language, deps.changeLanguage && ((code) => deps.changeLanguage?.(user, code) ?? Promise.resolve())),
    /**
     * A token for the Twilio browser SDK. With a conversation, only for a user who may see it (the
     * same "not found" otherwise). The token reaches only conversations the identity is a participant of.
     */
    async accessToken(user: User, conversationId?: string): Promise<AccessTokenResponse | undefined> {
      const view = conversationId ? await conversations.getForUser(user, conversationId) : undefined;
      if (!issueToken) return undefined;
      const withTransport = view ? await conversations.ensureTransport(view) : undefined;
      return { ...(await issueToken(user.id)), conversationSid: withTransport?.transportId };
    },
    /** Builds the dashboard's queue now (the server does at start) rather than at the first dashboard; undefined with several instances. */
    async prepareDashboard(): Promise<{ open: number; ms: number } | undefined> {
      const started = performance.now();
      const queue = await dashboardQueue.current();
      return queue && { open: queue.size, ms: Math.round(performance.now() - started) };
    },
    /** The line the startup log prints: which transport carries messages. */
    describe: () => (transport.kind === 'twilio' ? 'Twilio Conversations' : 'built-in realtime transport (Socket.IO + MongoDB)'),
  };
}

export type ConversationsFeature = ReturnType<typeof createConversationsFeature>;
