import { EventEmitter } from 'node:events';
import type { ChatMessage } from '../contract/chat.js';
import type { ConversationView } from './conversation.view.js';

interface EventMap {
  created: [conversation: ConversationView];
  updated: [conversation: ConversationView];
  message: [message: ChatMessage, conversation: ConversationView];
  /** A rep's private note: for reps only (channels to customers listen to `message`, never this). */
  note: [note: ChatMessage, conversation: ConversationView];
  /** A message (or note) was translated on write for a reader: its words in that language (search). */
  translated: [message: ChatMessage, text: string, target: string];
}

/**
 * What happened to conversations, for whoever delivers it live (the realtime layer). Services
 * emit; they never know about sockets.
 */
export class ConversationEvents extends EventEmitter<EventMap> {}
