import type { CallSummary, ChatMessage, User } from '../contract/chat.js';
import type { Logger } from '../lib/logger.js';
import type { ConversationService } from './conversation.service.js';
import { toSummary, type ConversationView } from './conversation.view.js';
import type { MessageTranslations } from './message-pipeline.js';
import { messageStore } from './message.store.js';
import type { UsageFigure } from '../translation/index.js';

export interface TranscriptEntry {
  id: string;
  author: { id: string; name: string; role: string };
  time: string;
  original: string;
  language: string;
  /** Present on reps' private notes (reps' transcripts only). */
  kind?: 'note';
  /** Target language → translated text, for the participants' languages when known. */
  translations: Record<string, string>;
}

export interface Transcript {
  conversation: {
    id: string;
    status: string;
    customer: { username: string; language: string };
    reps: { username: string; language: string }[];
    startedAt: string;
    closedAt: string | null;
    /** Phone conversations: the latest call, with its duration once ended. */
    call?: CallSummary | null;
  };
  messages: TranscriptEntry[];
  /** Reps' transcripts only: characters DeepL billed for this conversation (memory hits cost none). */
  translationCost?: UsageFigure;
}

/** Transcripts read the database, so they work while Twilio is slow or down. */
export function createTranscriptService(deps: {
  conversations: ConversationService;
  translations?: MessageTranslations;
  logger: Logger;
  translationCost?: (conversationId: string) => Promise<UsageFigure>;
}) {
  /** Translations into each participant language, grouped by source language (one batch each). */
  async function translationsFor(view: ConversationView, messages: ChatMessage[]): Promise<Map<string, Record<string, string>>> {
    const result = new Map<string, Record<string, string>>(messages.map((message) => [message.id, {}]));
    if (!deps.translations) return result;
    const repLanguages = view.reps.map((rep) => rep.language);
    const targets = [...new Set([view.customer.language, ...repLanguages])];
    for (const target of targets) {
      // Notes are translated for the reps' languages only, never for the customer's.
      const readers = messages.filter((message) => message.kind !== 'note' || repLanguages.includes(target));
      const sources = [...new Set(readers.map((message) => message.language))].filter((source) => source !== target);
      for (const source of sources) {
        const group = readers.filter((message) => message.language === source);
        try {
          const batch = await deps.translations.translate(group.map((message) => message.body), target, source);
          batch.translations.forEach((outcome, index) => {
            const message = group[index];
            if (message && !outcome.untranslated) result.get(message.id)![target] = outcome.text;
          });
        } catch (error) {
          deps.logger.warn({ err: error, target }, 'transcript translations unavailable');
        }
      }
    }
    return result;
  }

  return {
    async transcript(user: User, conversationId: string): Promise<Transcript> {
      const view = await deps.conversations.getForUser(user, conversationId);
      // The customer's transcript never holds notes; the reps' does.
      const messages = await messageStore.all(view.id, { notes: user.role === 'rep' });
      const translations = await translationsFor(view, messages);
      // Read after the translations above, which may have billed characters themselves.
      const translationCost = user.role === 'rep' ? await deps.translationCost?.(view.id) : undefined;
      return {
        conversation: {
          id: view.id,
          status: view.status,
          customer: { username: view.customer.username, language: view.customer.language },
          reps: view.reps.map((rep) => ({ username: rep.username, language: rep.language })),
          startedAt: view.createdAt.toISOString(),
          closedAt: view.closedAt?.toISOString() ?? null,
          ...(view.channel === 'phone' ? { call: toSummary(view, user).call } : {}),
        },
        messages: messages.map((message) => ({
          id: message.id,
          author: { id: message.authorId, name: message.authorName, role: message.authorRole },
          time: message.createdAt,
          original: message.body,
          language: message.language,
          ...(message.kind === 'note' ? { kind: 'note' as const } : {}),
          translations: translations.get(message.id) ?? {},
        })),
        ...(translationCost ? { translationCost } : {}),
      };
    },
  };
}

function callLine(call: CallSummary): string {
  if (call.state === 'live') return `Call: live since ${call.startedAt}`;
  const seconds = call.durationSeconds;
  const length = seconds === null ? '' : ` after ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  return `Call: ended${length} (${call.outcome ?? 'ended'}), started ${call.startedAt}`;
}

/** The plain-text download: one block per message, translations indented under the original. */
export function transcriptAsText(transcript: Transcript): string {
  const { conversation } = transcript;
  const lines = [
    `Parley conversation ${conversation.id}`,
    `Customer: ${conversation.customer.username} (${conversation.customer.language})`,
    `Representatives: ${conversation.reps.map((rep) => `${rep.username} (${rep.language})`).join(', ') || 'none'}`,
    `Started: ${conversation.startedAt}`,
    `Status: ${conversation.status}${conversation.closedAt ? ` (closed ${conversation.closedAt})` : ''}`,
    ...(conversation.call ? [callLine(conversation.call)] : []),
    '',
  ];
  for (const message of transcript.messages) {
    const note = message.kind === 'note' ? ' private note, reps only' : '';
    lines.push(`[${message.time}] ${message.author.name} (${message.author.role}, ${message.language}${note ? `,${note}` : ''}):`);
    lines.push(...message.original.split('\n').map((line) => `  ${line}`));
    for (const [language, text] of Object.entries(message.translations)) {
      lines.push(`  → ${language}: ${text.replace(/\n/g, ' ')}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

export type TranscriptService = ReturnType<typeof createTranscriptService>;
