import mongoose, { Types } from 'mongoose';
import { MAX_MESSAGE_LENGTH } from '../contract/chat.js';
import type { ConversationsFeature } from '../conversations/index.js';
import { AppError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { createLiveCalls, type CallState } from './live-calls.js';
import { createSpeechInbox, speechKey, type HeardSpeech } from './speech-inbox.js';
import { callerAuthor, voiceCallers, type VoiceCallerView } from './voice-callers.js';
import { chosenLanguage, ENGLISH, voiceLanguage, type VoiceLanguage } from './voice-languages.js';
import type { PromptBook } from './voice-prompts.js';
import { MAX_QUIET_LISTENS, type Twiml } from './voice-twiml.js';
import type { CallStatusEvent, GatherResult, IncomingCall, RecordingEvent, TurnQuery } from './voice-webhook.schemas.js';
import { VoiceCall } from './voice.model.js';

/** Twilio's final call statuses: the call is over, whichever way. */
const FINAL_STATUSES = new Set(['completed', 'no-answer', 'busy', 'failed', 'canceled']);

export interface VoiceServiceDeps {
  conversations: ConversationsFeature;
  menu: readonly VoiceLanguage[];
  prompts: PromptBook;
  twiml: Twiml;
  /** Speech recognised below this confidence is marked for the rep. */
  lowConfidence: number;
  logger: Logger;
}

/**
 * A phone call brought into the one message pipeline: the caller's record (by number), their
 * language (menu, or remembered), their open `phone` conversation, and each thing they say as a
 * message of theirs. Every answer is TwiML for Twilio; nothing here waits for DeepL, and a
 * speech result is answered once it is recorded (speech-inbox.ts): its message follows.
 */
export function createVoiceService(deps: VoiceServiceDeps) {
  const { conversations, twiml, prompts, logger } = deps;
  const service = conversations.conversations;
  const languageOf = (call: Pick<CallState, 'language'>) => voiceLanguage(call.language ?? '') ?? deps.menu[0] ?? ENGLISH;
  const menuTwiml = (attempt: number) => twiml.menu(deps.menu, prompts.promptsFor, attempt);
  const live = createLiveCalls();
  const findCall = async (sid: string): Promise<CallState | null> => live.get(sid) ?? live.remember(await VoiceCall.findById(sid).lean<CallState>());
  const inbox = createSpeechInbox({ process: heard, logger });

  /** The caller's conversation (open one resumed, else a new one) and the call live in it. */
  async function startConversation(sid: string, caller: VoiceCallerView, language: VoiceLanguage): Promise<string> {
    const author = callerAuthor({ ...caller, language: language.deepl });
    const { conversation } = await service.startOrResume(author, 'phone');
    if (conversation.customer.language !== language.deepl) await service.setCustomerLanguage(caller.id, language.deepl);
    await service.calls.start(conversation.id, { sid, state: 'live', startedAt: new Date(), endedAt: null, durationSeconds: null, outcome: null, lowConfidence: [] });
    await VoiceCall.updateOne({ _id: sid }, { $set: { conversationId: conversation.id, language: language.deepl, state: 'live' } });
    live.remember({ _id: sid, callerId: caller._id, conversationId: new Types.ObjectId(conversation.id), language: language.deepl, state: 'live' });
    logger.info({ callSid: sid, conversationId: conversation.id, language: language.deepl }, 'phone call live');
    return twiml.listening(language, '0', 0, prompts.promptsFor(language).welcome);
  }

  async function incoming(event: IncomingCall): Promise<string> {
    const caller = await voiceCallers.findOrCreate(event.From, deps.menu[0]?.deepl ?? ENGLISH.deepl);
    await VoiceCall.updateOne({ _id: event.CallSid }, { $setOnInsert: { callerId: caller._id, state: 'menu' } }, { upsert: true });
    const known = caller.languageChosen ? deps.menu.find((language) => language.deepl === caller.language) : undefined;
    return known ? startConversation(event.CallSid, caller, known) : menuTwiml(1);
  }

  /** The menu's answer; none twice in a row takes the first language rather than asking forever. */
  async function chooseLanguage(event: GatherResult, attempt: number): Promise<string> {
    const call = await findCall(event.CallSid);
    const caller = call ? await voiceCallers.findById(call.callerId) : undefined;
    if (!call || !caller) return twiml.goodbye(prompts.promptsFor(ENGLISH));
    const chosen = chosenLanguage(deps.menu, event.Digits, event.SpeechResult) ?? (attempt >= 2 ? deps.menu[0] : undefined);
    if (!chosen) return menuTwiml(attempt + 1);
    await voiceCallers.chooseLanguage(caller.id, chosen.deepl);
    return startConversation(call._id, caller, chosen);
  }

  /**
   * One thing the caller said: recorded once per listening (a retry of the webhook finds it
   * there), answered with the wait for a rep at once; the message follows (`heard`).
   */
  async function speech(event: GatherResult, query: TurnQuery): Promise<string> {
    const call = await findCall(event.CallSid);
    if (!call?.conversationId || call.state !== 'live') return twiml.goodbye(prompts.promptsFor(ENGLISH));
    const language = languageOf(call);
    const said = (event.SpeechResult ?? '').trim();
    if (!said) {
      const quiet = query.quiet + 1;
      return quiet >= MAX_QUIET_LISTENS ? twiml.goodbye(prompts.promptsFor(language)) : twiml.listening(language, query.turn, quiet);
    }
    // The one refusal known before the pipeline runs: the caller is told now, not left waiting.
    if (said.length > MAX_MESSAGE_LENGTH) {
      logger.info({ callSid: call._id, reason: 'too_long' }, 'caller speech not accepted');
      return twiml.goodbye(prompts.promptsFor(language));
    }
    await inbox.accept({ callSid: call._id, turn: query.turn, said, ...(event.Confidence === undefined ? {} : { confidence: event.Confidence }) });
    return twiml.waiting(prompts.promptsFor(language), query.turn, 0);
  }

  /** A recorded speech result becomes the caller's message (after the answer, or by the sweep). */
  async function heard(result: HeardSpeech): Promise<void> {
    const call = await findCall(result.callSid);
    if (!call?.conversationId) return void logger.warn({ callSid: result.callSid }, 'caller speech for a call without a conversation');
    try {
      await record(call, result.said, speechKey(result), result.confidence);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      logger.info({ callSid: call._id, reason: error.code }, 'caller speech not accepted');
    }
  }

  async function record(call: CallState, body: string, clientId: string, confidence?: number): Promise<void> {
    const conversationId = String(call.conversationId);
    // The process's recent view of the conversation, as a chat send uses: no read per thing said.
    const view = await service.getForUser({ id: call.callerId.toString(), role: 'customer' }, conversationId, { recent: true });
    const author = callerAuthor({ id: view.customer.id, displayName: view.customer.username, language: view.customer.language });
    const { message, created } = await conversations.pipeline.accept({ conversation: view, author, clientId, body });
    if (created && confidence !== undefined && confidence < deps.lowConfidence) {
      await service.calls.markLowConfidence(conversationId, call._id, { messageId: message.id, text: body.slice(0, 140), confidence });
    }
  }

  async function wait(event: GatherResult, query: TurnQuery): Promise<string> {
    const call = await findCall(event.CallSid);
    if (!call || call.state !== 'live') return twiml.empty();
    return twiml.waiting(prompts.promptsFor(languageOf(call)), query.turn, query.step);
  }

  /** The caller's voice message (no rep came): a message with its length and Twilio's recording link. */
  async function recording(event: RecordingEvent): Promise<string> {
    const call = await findCall(event.CallSid);
    if (!call?.conversationId) return twiml.empty();
    await record(call, `🎙 ${event.RecordingDuration} s ${event.RecordingUrl}`, event.RecordingSid);
    return twiml.goodbye(prompts.promptsFor(languageOf(call)));
  }

  /** Twilio's status callback: a final status ends the live call, with its duration. */
  async function status(event: CallStatusEvent): Promise<boolean> {
    if (!FINAL_STATUSES.has(event.CallStatus)) return false;
    const call = await VoiceCall.findOneAndUpdate({ _id: event.CallSid, state: mongoose.trusted({ $in: ['menu', 'live'] }) }, { $set: { state: 'ended' } }).lean<CallState>();
    live.forget(event.CallSid);
    if (!call) return false;
    if (call.conversationId) {
      await service.calls.end(String(call.conversationId), call._id, { endedAt: new Date(), durationSeconds: event.CallDuration ?? null, outcome: event.CallStatus });
    }
    logger.info({ callSid: call._id, status: event.CallStatus, seconds: event.CallDuration }, 'phone call ended');
    return true;
  }

  return {
    incoming, chooseLanguage, speech, wait, recording, status,
    /** Takes up speech results a crash or failure left without their message; answers how many. */
    sweep: (now?: number) => inbox.sweep(now),
    /** Resolves when every speech result recorded so far is a message (or failed). */
    idle: () => inbox.idle(),
  };
}

export type VoiceService = ReturnType<typeof createVoiceService>;
