import { EventEmitter } from 'node:events';
import type { ChatMessage, TeamMember } from '../contract/chat.js';
import type { ConversationView, RepRef } from './conversation.view.js';

/** A conversation got an owner: by joining it, by a colleague's hand-over, or by an admin. */
export interface AssignmentChange {
  to: RepRef;
  reason: 'joined' | 'handed-over' | 'admin';
  /** Who handed it over (a rep, or `admin`), and their note for the new owner; null when joined. */
  byName: string | null;
  note: string | null;
}

interface EventMap {
  created: [conversation: ConversationView];
  updated: [conversation: ConversationView];
  message: [message: ChatMessage, conversation: ConversationView];
  /** A rep's private note: for reps only (channels to customers listen to `message`, never this). */
  note: [note: ChatMessage, conversation: ConversationView];
  /** A message (or note) was translated on write for a reader: its words in that language (search). */
  translated: [message: ChatMessage, text: string, target: string];
  assigned: [conversation: ConversationView, change: AssignmentChange];
  /** A rep became available or away: everyone's availability, for the reps' dashboards. */
  team: [team: TeamMember[]];
}

/**
 * What happened to conversations, for whoever delivers it live (the realtime layer). Services
 * emit; they never know about sockets.
 */
export class ConversationEvents extends EventEmitter<EventMap> {}
