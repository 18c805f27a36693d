import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Message } from '../../src/conversations/message.model.js';
import { englishPrompts } from '../../src/voice/index.js';
import { VoiceCall } from '../../src/voice/voice.model.js';
import { csrfToken } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import {
  callInSpanish as callInSpanishOn, dashboardRows, dashboardSocket, parseTwiml, phoneCall, PUBLIC_URL, repSends, says, startVoiceHarness,
  type VoiceHarness,
} from './voice-harness.js';

useTestDatabase('phone_calls');

const welcomeEs = '[ES] Hello, this is customer support. Please tell us how we can help you.';

describe('phone callers', () => {
  let harness: VoiceHarness;
  beforeAll(async () => {
    harness = await startVoiceHarness();
  });
  afterAll(async () => harness.close());

  const callInSpanish = () => callInSpanishOn(harness);

  /** The caller says something; answers the webhook's TwiML and the conversation's dashboard row once the message is stored. */
  async function say(call: ReturnType<typeof phoneCall>, gatherAction: string, speech: string, confidence = '0.91') {
    const answer = await call.follow(gatherAction, { SpeechResult: speech, Confidence: confidence });
    expect(answer.status).toBe(200);
    // The webhook answers once the result is recorded; its message follows.
    await harness.composition.voice?.idle();
    const voiceCall = await VoiceCall.findById(call.sid).lean();
    const row = (await dashboardRows(harness)).find((candidate) => candidate.id === String(voiceCall?.conversationId));
    return { answer, twiml: parseTwiml(answer.text), row: row! };
  }

  it('when a call comes in, then the menu offers each configured language in that language, and pressing 2 gathers speech in Spanish', async () => {
    const call = phoneCall(harness);
    const ringing = await call.ring();
    expect(ringing.status).toBe(200);
    const menu = parseTwiml(ringing.text);

    const gather = menu.Gather?.[0];
    expect(gather).toMatchObject({ input: 'dtmf speech', numDigits: '1', method: 'POST' });
    expect(says(gather?.Say as never)).toEqual([
      { language: 'en-US', voice: 'Polly.Joanna', text: 'For English, press 1.' },
      { language: 'es-MX', voice: 'Polly.Mia', text: '[ES] For Spanish, press 2.' },
      { language: 'fr-FR', voice: 'Polly.Lea', text: '[FR] For French, press 3.' },
    ]);
    // No answer: the menu is asked again (bounded: the second time, the first language is taken).
    expect(menu.Redirect?.[0]?.text).toBe(gather?.action);

    const chosen = parseTwiml((await call.follow(gather?.action as string, { Digits: '2' })).text);
    expect(says(chosen.Say)).toEqual([{ language: 'es-MX', voice: 'Polly.Mia', text: welcomeEs }]);
    expect(chosen.Gather?.[0]).toMatchObject({ input: 'speech', language: 'es-MX', speechTimeout: 'auto' });
    expect(chosen.Gather?.[0]?.action).toMatch(new RegExp(`^${PUBLIC_URL}/webhooks/twilio/voice/speech\\?turn=0&quiet=0$`));
  });

  it('when the caller says "Hola, mi pedido no ha llegado", then a live phone conversation appears on the dashboard with the original stored once and translated for the rep', async () => {
    const dashboard = await dashboardSocket(harness);
    const { call, twiml } = await callInSpanish();
    const gatherAction = twiml.Gather?.[0]?.action as string;

    const { answer, twiml: waiting, row } = await say(call, gatherAction, 'Hola, mi pedido no ha llegado');
    expect(says(waiting.Say)[0]).toMatchObject({ language: 'es-MX', text: '[ES] Thank you. One moment, please: a support agent is reading your message.' });
    expect(waiting.Pause).toHaveLength(1);
    expect(waiting.Redirect?.[0]?.text).toMatch(/\/webhooks\/twilio\/voice\/wait\?turn=0&step=1$/);

    expect(row).toMatchObject({
      channel: 'phone', customer: { language: 'ES' }, lastMessagePreview: 'Hola, mi pedido no ha llegado', lastMessageLanguage: 'ES', unread: 1,
      call: { state: 'live', endedAt: null, durationSeconds: null, lowConfidence: [] },
    });
    expect(row.customer.username).toBe(`Caller ••• ${call.from.slice(-4)}`);
    await vi.waitFor(() => expect(dashboard.created.map((summary) => [summary.id, summary.channel])).toContainEqual([row.id, 'phone']));
    await vi.waitFor(() => expect(dashboard.updated.filter((summary) => summary.id === row.id).at(-1)).toMatchObject({ call: { state: 'live' }, lastMessagePreview: 'Hola, mi pedido no ha llegado' }));
    const [stored] = await Message.find({ conversationId: row.id }).lean();
    expect(stored).toMatchObject({ body: 'Hola, mi pedido no ha llegado', language: 'ES', authorRole: 'customer' });
    // The dashboard translates the row's preview for the rep, as for web and SMS customers.
    const preview = await harness.repAgent
      .post('/translate')
      .set('x-csrf-token', await csrfToken(harness.repAgent))
      .send({ texts: [row.lastMessagePreview], source_lang: row.lastMessageLanguage, target_lang: harness.rep.user.language });
    expect(preview.body.translations[0]).toMatchObject({ text: '[EN] Hola, mi pedido no ha llegado' });

    // Twilio retries the same webhook: one message.
    expect((await call.follow(gatherAction, { SpeechResult: 'Hola, mi pedido no ha llegado', Confidence: '0.91' })).text).toBe(answer.text);
    expect(await Message.countDocuments({ conversationId: row.id })).toBe(1);
    dashboard.socket.disconnect();
  });

  it('when speech is recognised with low confidence, then the rep sees it marked on the conversation', async () => {
    const { call, twiml } = await callInSpanish();
    const { row } = await say(call, twiml.Gather?.[0]?.action as string, 'necesito cambiar la dirección', '0.31');
    expect(row.call?.lowConfidence).toEqual([{ messageId: expect.any(String), text: 'necesito cambiar la dirección', confidence: 0.31 }]);
    const page = await harness.repAgent.get(`/conversations/${row.id}`);
    expect(page.text).toContain('data-call-state="live"');
    expect(page.text).toMatch(/Heard with low confidence[\s\S]*“necesito cambiar la dirección” \(31%\)/);
  });

  it('when the rep answers in English, then the local Twilio server receives one call update that says the Spanish translation with a Spanish voice and gathers again', async () => {
    const { call, twiml } = await callInSpanish();
    const { row } = await say(call, twiml.Gather?.[0]?.action as string, 'Necesito ayuda con mi pedido');
    const before = harness.twilio.callUpdates.length;

    const sent = await repSends(harness, row.id, 'How can I help you?');
    expect(sent.status).toBe(201);

    const updates = harness.twilio.callUpdates.slice(before);
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ callSid: call.sid, url: null, status: null });
    const spoken = parseTwiml(updates[0]?.twiml ?? '');
    expect(says(spoken.Say)).toEqual([{ language: 'es-MX', voice: 'Polly.Mia', text: '¿En qué puedo ayudarle?' }]);
    expect(spoken.Gather?.[0]).toMatchObject({ input: 'speech', language: 'es-MX', speechTimeout: 'auto' });
    expect(spoken.Gather?.[0]?.action).toBe(`${PUBLIC_URL}/webhooks/twilio/voice/speech?turn=${sent.body.message.id}&quiet=0`);
  });

  it('when no rep answers within the configured wait, then the caller hears "no rep available" in Spanish, may leave a message that is stored, and the loop ends', async () => {
    const { call, twiml } = await callInSpanish();
    const first = await say(call, twiml.Gather?.[0]?.action as string, 'Hola');
    let next = first.twiml;
    let redirects = 0;
    // Twilio follows each Redirect; VOICE_MAX_WAIT_SECONDS=10 with 5-second pauses: two waits at most.
    while (next.Redirect && redirects < 10) {
      next = parseTwiml((await call.follow(next.Redirect[0]?.text as string)).text);
      redirects += 1;
    }
    expect(redirects).toBe(2);
    expect(says(next.Say)).toEqual([
      { language: 'es-MX', voice: 'Polly.Mia', text: '[ES] Sorry, no agent is available right now. Please leave a message after the tone, and we will call you back.' },
      { language: 'es-MX', voice: 'Polly.Mia', text: '[ES] Thank you for calling. Goodbye.' },
    ]);
    expect(next.Record?.[0]).toMatchObject({ maxLength: '120', playBeep: 'true' });
    expect(next.Hangup).toHaveLength(1);

    const recordingSid = `RE${'a'.repeat(32)}`;
    const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${harness.twilio.accountSid}/Recordings/${recordingSid}`;
    const done = parseTwiml((await call.follow(next.Record?.[0]?.action as string, { RecordingSid: recordingSid, RecordingUrl: recordingUrl, RecordingDuration: '12' })).text);
    expect(done.Hangup).toHaveLength(1);
    const bodies = (await Message.find({ conversationId: first.row.id }).sort({ _id: 1 }).lean()).map((message) => message.body);
    expect(bodies).toEqual(['Hola', `🎙 12 s ${recordingUrl}`]);
  });

  it('when Twilio reports the call completed, then the conversation shows the call ended with its duration and the transcript holds both sides', async () => {
    const { call, twiml } = await callInSpanish();
    const { row } = await say(call, twiml.Gather?.[0]?.action as string, 'Mi pedido no ha llegado');
    await repSends(harness, row.id, 'How can I help you?');

    const ended = await call.status('completed', 73);
    expect(ended).toMatchObject({ status: 200, outcome: 'ended' });
    expect((await call.status('completed', 73)).outcome).toBe('ignored');
    const after = (await dashboardRows(harness)).find((candidate) => candidate.id === row.id);
    expect(after?.call).toMatchObject({ state: 'ended', durationSeconds: 73, outcome: 'completed', endedAt: expect.any(String) });
    const page = await harness.repAgent.get(`/conversations/${row.id}`);
    expect(page.text).toMatch(/Call ended<\/span> after <span data-part="call-duration">1:13<\/span>/);

    const transcript = await harness.repAgent.get(`/conversations/${row.id}/transcript?format=json`);
    expect(transcript.status).toBe(200);
    expect(transcript.body.conversation.call).toMatchObject({ state: 'ended', durationSeconds: 73 });
    expect((await harness.repAgent.get(`/conversations/${row.id}/transcript?format=text`)).text).toMatch(/^Call: ended after 1:13 \(completed\)/m);
    expect(transcript.body.messages).toEqual([
      expect.objectContaining({ author: expect.objectContaining({ role: 'customer' }), original: 'Mi pedido no ha llegado', language: 'ES', translations: expect.objectContaining({ 'EN-US': 'My order has not arrived' }) }),
      expect.objectContaining({ author: expect.objectContaining({ role: 'rep' }), original: 'How can I help you?', translations: expect.objectContaining({ ES: '¿En qué puedo ayudarle?' }) }),
    ]);
    // A rep's message after the call ends is kept in the conversation but not spoken anywhere.
    const before = harness.twilio.callUpdates.length;
    await repSends(harness, row.id, 'Thank you');
    expect(harness.twilio.callUpdates.length).toBe(before);
  });

  it('when the caller says a language, stays silent at the menu, or says nothing when asked, then nothing is asked forever', async () => {
    const byName = phoneCall(harness);
    const menu = parseTwiml((await byName.ring()).text);
    const spoken = parseTwiml((await byName.follow(menu.Gather?.[0]?.action as string, { SpeechResult: 'Français' })).text);
    expect(spoken.Gather?.[0]).toMatchObject({ input: 'speech', language: 'fr-FR' });

    const silent = phoneCall(harness);
    const first = parseTwiml((await silent.ring()).text);
    const again = parseTwiml((await silent.follow(first.Redirect?.[0]?.text as string)).text);
    expect(again.Gather?.[0]?.action).toMatch(/language\?attempt=2$/);
    const defaulted = parseTwiml((await silent.follow(again.Redirect?.[0]?.text as string)).text);
    expect(defaulted.Gather?.[0]).toMatchObject({ input: 'speech', language: 'en-US' });

    // Each empty speech result listens again with one more silence counted; the third says goodbye.
    let listening = defaulted;
    for (let silence = 1; silence < 3; silence++) {
      listening = parseTwiml((await silent.follow(listening.Gather?.[0]?.action as string, { SpeechResult: '' })).text);
      expect(listening.Gather?.[0]?.action).toMatch(new RegExp(`quiet=${silence}$`));
    }
    const ended = parseTwiml((await silent.follow(listening.Gather?.[0]?.action as string)).text);
    expect(ended.Gather).toBeUndefined();
    expect(ended.Hangup).toHaveLength(1);
  });

  it('when the same number calls again, then it skips the menu and listens in Spanish at once', async () => {
    const { call } = await callInSpanish();
    const again = phoneCall(harness, call.from);
    const twiml = parseTwiml((await again.ring()).text);
    expect(says(twiml.Say)).toEqual([{ language: 'es-MX', voice: 'Polly.Mia', text: welcomeEs }]);
    expect(twiml.Gather?.[0]).toMatchObject({ input: 'speech', language: 'es-MX' });
  });

  it('when many calls were answered, then each fixed prompt was sent to DeepL once per language', async () => {
    await callInSpanish();
    const asked = harness.deepl.translateLog.filter((entry) => entry.text.includes(englishPrompts.oneMoment));
    expect(asked.map((entry) => entry.targetLang).sort()).toEqual(['ES', 'FR']);
  });

  it('when a voice webhook is unsigned or signed wrongly, then it is refused with 403 and nothing is recorded', async () => {
    const call = phoneCall(harness);
    const paths = ['/webhooks/twilio/voice', '/webhooks/twilio/voice/language?attempt=1', '/webhooks/twilio/voice/speech?turn=0&quiet=0', '/webhooks/twilio/voice/wait?turn=0&step=1', '/webhooks/twilio/voice/recording?turn=0', '/webhooks/twilio/voice/status'];
    for (const path of paths) {
      const params = { CallSid: call.sid, From: call.from, SpeechResult: 'Hola', CallStatus: 'completed' };
      expect((await harness.twilio.webhook(`${PUBLIC_URL}${path}`, params, null)).status).toBe(403);
      expect((await harness.twilio.webhook(`${PUBLIC_URL}${path}`, params, 'bm90IGEgc2lnbmF0dXJl')).status).toBe(403);
    }
    expect(await VoiceCall.countDocuments({ _id: call.sid })).toBe(0);
  });
});

describe('phone callers while DeepL is down', () => {
  let harness: VoiceHarness;
  beforeAll(async () => {
    // Languages this file's translation memory has not seen: only DeepL could translate them.
    harness = await startVoiceHarness({ VOICE_LANGUAGES: 'EN-US,DE,IT' }, { beforeWarm: (deepl) => deepl.setFault('500') });
  });
  afterAll(async () => harness.close());

  it('when the prompts cannot be translated, then the caller hears the English originals with an English voice', async () => {
    const menu = parseTwiml((await phoneCall(harness).ring()).text);
    expect(says(menu.Gather?.[0]?.Say as never)).toEqual([
      { language: 'en-US', voice: 'Polly.Joanna', text: 'For English, press 1.' },
      { language: 'en-US', voice: 'Polly.Joanna', text: 'For German, press 2.' },
      { language: 'en-US', voice: 'Polly.Joanna', text: 'For Italian, press 3.' },
    ]);
    const call = phoneCall(harness);
    const menu2 = parseTwiml((await call.ring()).text);
    const chosen = parseTwiml((await call.follow(menu2.Gather?.[0]?.action as string, { Digits: '2' })).text);
    expect(says(chosen.Say)).toEqual([{ language: 'en-US', voice: 'Polly.Joanna', text: englishPrompts.welcome }]);
    expect(chosen.Gather?.[0]).toMatchObject({ input: 'speech', language: 'de-DE' });
  });
});
