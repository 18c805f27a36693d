import { z } from 'zod';

// Twilio Programmable Voice's webhooks, form-encoded, and the query strings Parley put in the
// URLs it gave Twilio (signed along with them). Only what Parley reads is checked; Twilio adds
// fields over time, so the rest passes through unread.
const callSid = z.string().regex(/^CA[0-9a-fA-F]{32}$/);
const count = (max: number) => z.coerce.number().int().min(0).max(max);

export const callEventSchema = z.object({ CallSid: callSid }).catchall(z.string().max(2_048));

export const incomingCallSchema = callEventSchema.extend({
  /** E.164 normally; withheld numbers arrive as words (`anonymous`), which still name one caller record. */
  From: z.string().min(1).max(64),
  To: z.string().max(64).default(''),
});

export const gatherResultSchema = callEventSchema.extend({
  Digits: z.string().max(8).optional(),
  SpeechResult: z.string().max(5_000).optional(),
  Confidence: z.preprocess((value) => (value === '' ? undefined : value), z.coerce.number().min(0).max(1).optional()),
});

export const recordingSchema = callEventSchema.extend({
  RecordingSid: z.string().regex(/^RE[0-9a-fA-F]{32}$/),
  RecordingUrl: z.url({ protocol: /^https$/ }),
  RecordingDuration: z.coerce.number().int().min(0).max(86_400).default(0),
});

export const callStatusSchema = callEventSchema.extend({
  CallStatus: z.string().max(32),
  CallDuration: z.preprocess((value) => (value === '' ? undefined : value), z.coerce.number().int().min(0).optional()),
});

/** `turn` names the listening a speech result answers: `0` at first, then the rep message's id. */
export const turnQuerySchema = z.object({ turn: z.string().regex(/^[A-Za-z0-9]{1,24}$/), quiet: count(20).default(0), step: count(1_000).default(0) });
export const menuQuerySchema = z.object({ attempt: z.coerce.number().int().min(1).max(5).default(1) });

export type IncomingCall = z.infer<typeof incomingCallSchema>;
export type GatherResult = z.infer<typeof gatherResultSchema>;
export type RecordingEvent = z.infer<typeof recordingSchema>;
export type CallStatusEvent = z.infer<typeof callStatusSchema>;
export type TurnQuery = z.infer<typeof turnQuerySchema>;
