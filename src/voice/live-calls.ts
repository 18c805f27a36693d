import { LRUCache } from 'lru-cache';
import type { VoiceCallRecord } from './voice.model.js';

/** What a call's webhooks need of it: whose it is, its conversation, its language, its state. */
export type CallState = Pick<VoiceCallRecord, '_id' | 'callerId' | 'conversationId' | 'language' | 'state'>;

/**
 * The live calls this process has seen, by CallSid: every speech result and every step of the
 * waiting loop needs the call, and reading it from the database each time put a round trip before
 * the caller hears anything. A call's record changes only when it goes live and when it ends;
 * both pass through here on the instance that saw them, and another instance reads it once. An
 * ended call sends no more speech, so an instance that missed the end holds nothing harmful.
 */
export function createLiveCalls() {
  const live = new LRUCache<string, CallState>({ max: 10_000, ttl: 4 * 3_600_000 });
  return {
    get: (sid: string): CallState | undefined => live.get(sid),
    /** Keeps the call if it is live; answers it either way. */
    remember<T extends CallState | null>(call: T): T {
      if (call?.state === 'live') live.set(call._id, call);
      return call;
    },
    forget: (sid: string): void => void live.delete(sid),
  };
}
