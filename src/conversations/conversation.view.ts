import type { Assignee, CallSummary, Channel, ConversationFormality, ConversationStatus, ConversationSummary, User } from '../contract/chat.js';
import { unreadFor } from './unread.js';

/** A phone conversation's latest call, as stored: Twilio's CallSid and dates. */
export type CallView = Omit<CallSummary, 'startedAt' | 'endedAt'> & { sid: string; startedAt: Date; endedAt: Date | null };

export interface RepRef {
  id: string;
  username: string;
  language: string;
}

/** A conversation as services hand it around: plain data, ids as strings. */
export interface ConversationView {
  id: string;
  status: ConversationStatus;
  channel: Channel;
  customer: { id: string; username: string; language: string };
  transportId: string | null;
  reps: RepRef[];
  lastActivityAt: Date;
  lastMessagePreview: string;
  lastMessageLanguage: string | null;
  /** The newest counted message's id (see read-marks.ts); null or absent: none recorded. */
  lastMessageId?: string | null;
  messageCount: number;
  /** Its newest messages' ids, notes too, in the order recorded (RECENT_IDS_KEPT at most; message-record.ts). */
  recentIds?: string[];
  /** Set when `recentIds` holds every one of the newest (from its creation, or filled since): see messaging.service. */
  recentIdsComplete?: boolean;
  unread: Record<string, number>;
  createdAt: Date;
  closedAt: Date | null;
  formality: ConversationFormality;
  detectedLanguage: string | null;
  detectedStreak: number;
  languageSuggestion: string | null;
  /** Phone conversations only: the latest call. */
  call?: CallView | null;
  assignee: Assignee | null;
}

interface StoredAssignee {
  id: { toString(): string };
  username?: string | null;
  since?: Date | null;
  handedOverBy?: string | null;
  note?: string | null;
}

interface StoredConversation {
  _id: { toString(): string };
  status: string;
  channel?: string | null;
  customer: { id: { toString(): string }; username: string; language: string };
  transportId?: string | null;
  reps?: { id: { toString(): string }; username: string; language: string }[];
  lastActivityAt: Date;
  lastMessagePreview?: string | null;
  lastMessageLanguage?: string | null;
  lastMessageId?: string | null;
  messageCount?: number | null;
  recentIds?: string[] | null;
  recentIdsComplete?: boolean | null;
  unread?: Map<string, number> | Record<string, number> | null;
  createdAt?: Date;
  closedAt?: Date | null;
  formality?: string | null;
  detectedLanguage?: string | null;
  detectedStreak?: number | null;
  languageSuggestion?: string | null;
  call?: CallView | null;
  assignee?: StoredAssignee | null;
}

function assigneeOf(stored: StoredAssignee | null | undefined): Assignee | null {
  if (!stored?.id) return null;
  return {
    id: stored.id.toString(),
    username: stored.username ?? '',
    since: (stored.since ?? new Date(0)).toISOString(),
    handedOverBy: stored.handedOverBy ?? null,
    note: stored.note ?? null,
  };
}

const channels: readonly Channel[] = ['web', 'sms', 'whatsapp', 'phone'];
const channelOf = (value: string | null | undefined): Channel => channels.find((channel) => channel === value) ?? 'web';

const formalityOf = (value: string | null | undefined): ConversationFormality =>
  value === 'formal' || value === 'informal' ? value : 'default';

export function toConversationView(stored: StoredConversation): ConversationView {
  const unread = stored.unread instanceof Map ? Object.fromEntries(stored.unread) : { ...(stored.unread ?? {}) };
  return {
    id: stored._id.toString(),
    status: stored.status === 'closed' ? 'closed' : 'open',
    channel: channelOf(stored.channel),
    customer: { id: stored.customer.id.toString(), username: stored.customer.username, language: stored.customer.language },
    transportId: stored.transportId ?? null,
    reps: (stored.reps ?? []).map((rep) => ({ id: rep.id.toString(), username: rep.username, language: rep.language })),
    lastActivityAt: stored.lastActivityAt,
    lastMessagePreview: stored.lastMessagePreview ?? '',
    lastMessageLanguage: stored.lastMessageLanguage ?? null,
    lastMessageId: stored.lastMessageId ?? null,
    messageCount: stored.messageCount ?? 0,
    recentIds: stored.recentIds ?? [],
    recentIdsComplete: stored.recentIdsComplete === true,
    unread,
    createdAt: stored.createdAt ?? stored.lastActivityAt,
    closedAt: stored.closedAt ?? null,
    formality: formalityOf(stored.formality),
    detectedLanguage: stored.detectedLanguage ?? null,
    detectedStreak: stored.detectedStreak ?? 0,
    languageSuggestion: stored.languageSuggestion ?? null,
    assignee: assigneeOf(stored.assignee),
    call: stored.call ?? null,
  };
}

function callSummaryOf(call: CallView | null | undefined): CallSummary | null {
  if (!call) return null;
  return {
    state: call.state, startedAt: call.startedAt.toISOString(), endedAt: call.endedAt?.toISOString() ?? null,
    durationSeconds: call.durationSeconds, outcome: call.outcome, lowConfidence: (call.lowConfidence ?? []).slice(-20),
  };
}

export function toSummary(view: ConversationView, user: Pick<User, 'id' | 'role'>): ConversationSummary {
  return {
    id: view.id,
    status: view.status,
    channel: view.channel,
    customer: view.customer,
    repIds: view.reps.map((rep) => rep.id),
    lastMessagePreview: view.lastMessagePreview,
    lastMessageLanguage: view.lastMessageLanguage,
    lastActivityAt: view.lastActivityAt.toISOString(),
    unread: unreadFor(view, user),
    formality: view.formality,
    languageSuggestion: view.languageSuggestion,
    ...(view.channel === 'phone' ? { call: callSummaryOf(view.call) } : {}),
    // Ownership and hand-over notes are the team's business: never in a customer's summary.
    ...(user.role === 'rep' ? { assignee: view.assignee } : {}),
  };
}

export function canSee(view: ConversationView, user: Pick<User, 'id' | 'role'>): boolean {
  return user.role === 'rep' || view.customer.id === user.id;
}

/** Preview text for the dashboard: one line, bounded. */
export function previewOf(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > 140 ? `${line.slice(0, 139)}…` : line;
}

/** What page scripts learn about the viewer (data-chat-user): nothing beyond these fields. */
export const chatUserOf = (user: User): User => ({ id: user.id, username: user.username, role: user.role, language: user.language });
