import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Message } from '../../src/conversations/message.model.js';
import { inboxConnection } from '../../src/lib/durable-inbox.js';
import { VoiceCall } from '../../src/voice/voice.model.js';
import { useTestDatabase } from '../support/database.js';
import { callInSpanish, parseTwiml, says, startVoiceHarness, type VoiceHarness } from './voice-harness.js';

useTestDatabase('speech_inbox');

const oneMomentEs = '[ES] Thank you. One moment, please: a support agent is reading your message.';
interface InboxRow {
  _id: string;
  event: Record<string, unknown>;
  status: string;
  attempts: number;
  claimedAt: Date | null;
  createdAt: Date;
}
// The inboxes' own database (named after this file's), not the main one.
const inbox = () => inboxConnection().collection<InboxRow>('voicespeechinboxes');
/** As if two minutes later: past the claim lifetime, when the sweep takes a result up again. */
const later = () => Date.now() + 120_000;

async function conversationOf(sid: string): Promise<string> {
  const call = await VoiceCall.findById(sid).lean();
  return String(call?.conversationId);
}

describe('what a caller said, once Twilio was answered', () => {
  let harness: VoiceHarness;
  beforeAll(async () => {
    harness = await startVoiceHarness();
  });
  afterAll(async () => harness.close());

  it('when Twilio delivers the same speech result twice at once and once more later, then each answer is the wait and one message is stored', async () => {
    const { call, twiml } = await callInSpanish(harness);
    const action = twiml.Gather?.[0]?.action as string;
    const speech = { SpeechResult: 'Quiero cambiar la dirección de entrega', Confidence: '0.88' };

    const answers = await Promise.all([call.follow(action, speech), call.follow(action, speech)]);
    await harness.composition.voice?.idle();
    answers.push(await call.follow(action, speech));
    await harness.composition.voice?.idle();

    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(says(parseTwiml(answer.text).Say)).toEqual([expect.objectContaining({ language: 'es-MX', text: oneMomentEs })]);
    }
    const conversationId = await conversationOf(call.sid);
    expect((await Message.find({ conversationId }).lean()).map((message) => message.body)).toEqual(['Quiero cambiar la dirección de entrega']);
    expect(await inbox().countDocuments({ _id: `${call.sid}-0` })).toBe(1);
  });

  it('when making the message fails after the caller was answered, then the sweep makes it once', async () => {
    const { call, twiml } = await callInSpanish(harness);
    const pipeline = harness.composition.deps.conversations.pipeline;
    const failing = vi.spyOn(pipeline, 'accept').mockRejectedValueOnce(new Error('database unavailable'));
    try {
      const answer = await call.follow(twiml.Gather?.[0]?.action as string, { SpeechResult: 'Mi paquete llegó roto', Confidence: '0.9' });
      expect(answer.status).toBe(200);
      expect(parseTwiml(answer.text).Pause).toHaveLength(1);
      await harness.composition.voice?.idle();
    } finally {
      failing.mockRestore();
    }
    const conversationId = await conversationOf(call.sid);
    expect(await Message.countDocuments({ conversationId })).toBe(0);
    // A result still in its first attempt is not taken by the sweep.
    expect(await harness.composition.voice?.sweep()).toBe(0);

    expect(await harness.composition.voice?.sweep(later())).toBe(1);
    await harness.composition.voice?.idle();
    expect(await harness.composition.voice?.sweep(later())).toBe(0);
    expect((await Message.find({ conversationId }).lean()).map((message) => message.body)).toEqual(['Mi paquete llegó roto']);
  });

  it('when the server stopped after answering Twilio but before the message, then the sweep makes it once', async () => {
    const { call } = await callInSpanish(harness);
    // What the webhook had recorded before a crash: the result, claimed by the process that died.
    const stale = new Date(Date.now() - 120_000);
    await inbox().insertOne({
      _id: `${call.sid}-0`, event: { callSid: call.sid, turn: '0', said: 'Nadie me contesta', confidence: 0.4 }, status: 'pending', attempts: 1, claimedAt: stale, createdAt: stale,
    });

    expect(await harness.composition.voice?.sweep()).toBe(1);
    await harness.composition.voice?.idle();
    expect(await harness.composition.voice?.sweep()).toBe(0);
    const conversationId = await conversationOf(call.sid);
    expect((await Message.find({ conversationId }).lean()).map((message) => message.body)).toEqual(['Nadie me contesta']);
    // Taken up by the sweep, it is marked like any result heard below the threshold.
    const row = (await harness.repAgent.get('/api/conversations').set('Accept', 'application/json')).body.conversations.find((summary: { id: string }) => summary.id === conversationId);
    expect(row.call.lowConfidence).toEqual([expect.objectContaining({ text: 'Nadie me contesta', confidence: 0.4 })]);
  });
});
