import { createDurableInbox, type DurableInbox } from '../lib/durable-inbox.js';
import type { Logger } from '../lib/logger.js';

/** One thing a caller said, as recognised by Twilio, for the listening (`turn`) it answered. */
export interface HeardSpeech {
  callSid: string;
  turn: string;
  said: string;
  confidence?: number;
}

/**
 * What callers said and Parley has not yet made a message of (lib/durable-inbox.ts): the speech
 * webhook records it under `CallSid-turn` and answers at once (the caller hears "one moment");
 * the message pipeline follows, one result at a time per call so the call's messages keep their
 * order. A result whose work did not finish is taken up by the sweep.
 */
export function createSpeechInbox(deps: { process: (heard: HeardSpeech) => Promise<void>; logger: Logger }): SpeechInbox {
  return createDurableInbox<HeardSpeech>({
    model: 'VoiceSpeechInbox', keyOf: speechKey, orderOf: (heard) => heard.callSid, label: 'caller speech', ...deps,
  });
}

/** The inbox key, and the message's client id: Twilio's retry of the same webhook is one message. */
export const speechKey = (heard: Pick<HeardSpeech, 'callSid' | 'turn'>) => `${heard.callSid}-${heard.turn}`;

export type SpeechInbox = DurableInbox<HeardSpeech>;
