import twilio from 'twilio';
import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import { ENGLISH, voiceLanguage, type VoiceLanguage } from './voice-languages.js';
import type { PromptSet, Spoken } from './voice-prompts.js';

// Every TwiML answer of a call, built with the twilio library's VoiceResponse (never by hand).
// Each URL in it is absolute (PUBLIC_URL): TwiML given to a call update has no document to be
// relative to, and Twilio signs the absolute URL it requests.

export const voicePaths = {
  incoming: '/webhooks/twilio/voice',
  language: '/webhooks/twilio/voice/language',
  speech: '/webhooks/twilio/voice/speech',
  wait: '/webhooks/twilio/voice/wait',
  recording: '/webhooks/twilio/voice/recording',
  status: '/webhooks/twilio/voice/status',
} as const;

/** Consecutive silent listens before the call says goodbye. */
export const MAX_QUIET_LISTENS = 3;
/** The longest single `<Pause>` of the waiting loop. */
const PAUSE_SECONDS = 5;
/** A voice message is at most this long. */
const RECORDING_SECONDS = 120;

interface Sayer {
  say(attributes: VoiceResponse.SayAttributes, message: string): unknown;
}

function say(node: Sayer, spoken: Spoken): void {
  const language = voiceLanguage(spoken.language) ?? ENGLISH;
  node.say({ language: language.say, voice: language.voice }, spoken.text);
}

export function createTwiml(options: { publicUrl: string; maxWaitSeconds: number }) {
  const url = (path: string, query: Record<string, string | number>) =>
    `${options.publicUrl}${path}?${new URLSearchParams(Object.entries(query).map(([key, value]): [string, string] => [key, String(value)])).toString()}`;
  const pauseSeconds = Math.min(PAUSE_SECONDS, options.maxWaitSeconds);
  /** Pauses in the waiting loop before the caller is told no rep is there: bounded by configuration. */
  const waitSteps = Math.ceil(options.maxWaitSeconds / pauseSeconds);

  /** A speech `<Gather>` in the caller's language; `turn` names what it answers (the message id it makes). */
  function listen(response: VoiceResponse, language: VoiceLanguage, turn: string, quiet: number, prompt?: Spoken): void {
    const gather = response.gather({
      input: ['speech'], language: language.speech, speechTimeout: 'auto', timeout: 8, actionOnEmptyResult: true,
      action: url(voicePaths.speech, { turn, quiet }), method: 'POST',
    });
    if (prompt) say(gather, prompt);
  }

  return {
    /** The language menu: each language offered in itself; no answer twice → the first language. */
    menu(menu: readonly VoiceLanguage[], prompts: (language: VoiceLanguage) => PromptSet, attempt: number): string {
      const response = new twilio.twiml.VoiceResponse();
      const action = url(voicePaths.language, { attempt });
      const gather = response.gather({
        input: ['dtmf', 'speech'], numDigits: 1, timeout: 6, action, method: 'POST',
        language: menu[0]?.speech ?? ENGLISH.speech, hints: menu.map((language) => language.nativeName).join(', '),
      });
      for (const language of menu) say(gather, prompts(language).menuChoice);
      response.redirect({ method: 'POST' }, action);
      return response.toString();
    },
    /** The caller may speak now (after the welcome or a rep's answer). */
    listening(language: VoiceLanguage, turn: string, quiet: number, before?: Spoken): string {
      const response = new twilio.twiml.VoiceResponse();
      if (before) say(response, before);
      listen(response, language, turn, quiet);
      return response.toString();
    },
    /** Waiting for a rep: "one moment" once, then silence in steps; after the configured wait, a message. */
    waiting(prompts: PromptSet, turn: string, step: number): string {
      const response = new twilio.twiml.VoiceResponse();
      if (step === 0) say(response, prompts.oneMoment);
      if (step >= waitSteps) {
        say(response, prompts.noRep);
        response.record({ maxLength: RECORDING_SECONDS, timeout: 5, finishOnKey: '#', playBeep: true, action: url(voicePaths.recording, { turn }), method: 'POST' });
        say(response, prompts.goodbye);
        response.hangup();
        return response.toString();
      }
      response.pause({ length: pauseSeconds });
      response.redirect({ method: 'POST' }, url(voicePaths.wait, { turn, step: step + 1 }));
      return response.toString();
    },
    goodbye(prompts: PromptSet): string {
      const response = new twilio.twiml.VoiceResponse();
      say(response, prompts.goodbye);
      response.hangup();
      return response.toString();
    },
    /** A rep's answer spoken into the live call, then the caller's turn again. */
    answer(spoken: Spoken, language: VoiceLanguage, turn: string): string {
      const response = new twilio.twiml.VoiceResponse();
      say(response, spoken);
      listen(response, language, turn, 0);
      return response.toString();
    },
    empty: () => new twilio.twiml.VoiceResponse().toString(),
  };
}

export type Twiml = ReturnType<typeof createTwiml>;
