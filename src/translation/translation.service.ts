import type { Logger } from '../lib/logger.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { baseLanguage, isSameLanguage, normaliseLanguageCode } from '../contract/languages.js';
import { memoryKeyer, normaliseText, type MemoryEntry, type TranslationMemory } from './translation-memory.js';
import type { ConversationFormality } from '../contract/chat.js';
import type { GlossaryDirectory } from './glossary-directory.js';
import { resolveSettings, type CallSettings } from './translation-settings.js';
import type { TranslationUsage } from './translation-usage.js';
import type { Formality, Translator, XmlHandling } from './translator.js';

/** One text as the reader gets it, in the order asked. */
export interface TranslationOutcome {
  text: string;
  /** Upper-case code of the source language when known (`ES`). */
  detectedSourceLang: string | undefined;
  /** Present when `text` is the original: translation off, DeepL failing or too slow. */
  untranslated?: true;
  /** `off` when no translator is configured: asking again will not help, unlike an outage. */
  reason?: 'off';
}

export interface TranslationBatch {
  translations: TranslationOutcome[];
  /** Characters this call sent to the translator (memory hits and same-language texts cost none). */
  upstreamCharacters: number;
}

/** What a caller knows beyond the texts and languages (all optional). */
export interface TranslateRequestOptions {
  /** Text around the texts (the conversation's preceding messages): steers, is not billed. */
  context?: string;
  /** The conversation's register, for text a customer reads; without it no formality is sent. */
  register?: ConversationFormality;
  /** Let DeepL detect the source (it then says what it read); the memory keeps the declared one. */
  detectSource?: boolean;
  /** Whose bill the characters go on (the cost meter). */
  conversationId?: string;
  /** A preview or back-translation: counted apart, and refused by the feature once the budget is spent. */
  nonEssential?: boolean;
  /** The texts are XML whose tags DeepL keeps (the interface catalog, see src/i18n). */
  xml?: XmlHandling;
}

export interface PrefetchOptions {
  context?: string;
  /** Reads the context when the work starts (the caller's path does not wait for it). */
  loadContext?: () => Promise<string | undefined>;
  /** Register per target code (the customer's language); other targets get no formality. */
  registers?: Readonly<Record<string, ConversationFormality>>;
  detectSource?: boolean;
  conversationId?: string;
  /** Called once with the source language DeepL detected (base code), when it said. */
  onDetected?: (language: string) => void;
  /** Called with each translation made or found, per target (search indexes them). */
  onTranslated?: (text: string, target: string) => void;
}

export interface TranslationService {
  /** Never throws for upstream trouble: failing texts come back as originals marked untranslated. */
  translate(texts: readonly string[], target: string, source?: string, options?: TranslateRequestOptions): Promise<TranslationBatch>;
  /**
   * Translates a stored message into the other participants' languages in the background, so
   * readers hit the memory. Returns at once and never throws.
   */
  prefetch(text: string, source: string | undefined, targets: readonly string[], options?: PrefetchOptions): void;
  /** Whether this process's memory holds a text's translation as `translate` would key it. */
  isRemembered(text: string, target: string, source: string | undefined, register?: ConversationFormality): boolean;
  /**
   * The answer `translate` would give when this process can give it without DeepL or the
   * database (every text blank, in the reader's language or in the memory): nothing to reserve,
   * nothing to wait for. Undefined otherwise.
   */
  remembered(texts: readonly string[], target: string, source?: string, register?: ConversationFormality): Promise<TranslationOutcome[] | undefined>;
  /** The translation when this process's memory already has it, without waiting; else undefined. */
  cached(text: string, target: string, source?: string, register?: ConversationFormality): TranslationOutcome | undefined;
}

export interface TranslationServiceDeps {
  translator: Translator;
  memory: TranslationMemory;
  breaker: CircuitBreaker;
  logger: Logger;
  /** How long a reader waits for the translator before getting originals. */
  timeoutMs: number;
  /** Default register per target base language (TRANSLATION_FORMALITY); none when omitted. */
  formalityDefaults?: Readonly<Record<string, Formality>>;
  glossaries?: GlossaryDirectory;
  usage?: TranslationUsage;
}

/** One upstream call's shape: languages, how it is made, and whose bill it goes on. */
interface Call {
  source: string | undefined;
  target: string;
  settings: CallSettings;
  context: string | undefined;
  conversationId: string | undefined;
  nonEssential: boolean;
}

interface Fetched {
  entries: Map<string, MemoryEntry>;
  upstreamCharacters: number;
}

/** Slack over the adapter's own timeout, for connection set-up and response parsing. */
const deadlineSlackMs = 250;

export function createTranslationService(deps: TranslationServiceDeps): TranslationService {
  const inFlight = new Map<string, Promise<MemoryEntry | undefined>>();
  const offReason = deps.translator.available ? {} : { reason: 'off' as const };

  const settingsFor = (request: Parameters<typeof resolveSettings>[0]) =>
    resolveSettings(request, { formalityDefaults: deps.formalityDefaults ?? {}, glossaries: deps.glossaries });

  /**
   * The memory key holds what changes the result: text, languages, formality and the glossary's
   * version (a changed glossary never serves translations made with the old one). Not the context:
   * a message is translated once, on write, with the messages before it as context, and every
   * later reader (who cannot know that context) must hit that translation instead of paying for a
   * context-free one. Context improves the one translation made; it never makes a second one.
   */
  const keyerOf = (call: Pick<Call, 'source' | 'target' | 'settings'>) =>
    memoryKeyer({ source: call.source, target: call.target, options: call.settings.keyOptions });

  /** Each text's memory key, or undefined when it needs no translation (blank, or in the reader's language). */
  function keysOf(texts: readonly string[], call: Pick<Call, 'source' | 'target' | 'settings'>): { keys: (string | undefined)[]; normalised: string[] } {
    const same = isSameLanguage(call.source, call.target);
    const keyOf = keyerOf(call);
    const normalised = texts.map(normaliseText);
    return { keys: normalised.map((text) => (text === '' || same ? undefined : keyOf(text))), normalised };
  }

  function outcomes(texts: readonly string[], keys: readonly (string | undefined)[], entries: ReadonlyMap<string, MemoryEntry>, source: string | undefined): TranslationOutcome[] {
    const detectedFallback = source ? baseLanguage(source) : undefined;
    return texts.map((text, index): TranslationOutcome => {
      const key = keys[index];
      if (key === undefined) return { text, detectedSourceLang: detectedFallback };
      const entry = entries.get(key);
      if (!entry) return { text, detectedSourceLang: detectedFallback, untranslated: true, ...offReason };
      return { text: entry.translation, detectedSourceLang: entry.detectedSourceLang ?? detectedFallback };
    });
  }

  async function callFor(target: string, source: string | undefined, options: TranslateRequestOptions): Promise<Call> {
    const targetCode = normaliseLanguageCode(target);
    const sourceCode = source ? normaliseLanguageCode(source) : undefined;
    await deps.glossaries?.ensureFresh();
    const settings = settingsFor({ source: sourceCode, target: targetCode, register: options.register, detectSource: options.detectSource, xml: options.xml });
    return {
      source: sourceCode,
      target: targetCode,
      settings,
      context: options.context,
      conversationId: options.conversationId,
      nonEssential: options.nonEssential === true,
    };
  }

  async function translate(texts: readonly string[], target: string, source?: string, options: TranslateRequestOptions = {}): Promise<TranslationBatch> {
    const call = await callFor(target, source, options);
    const entries = new Map<string, MemoryEntry>();
    const wanted = new Map<string, string>();
    const { keys, normalised } = keysOf(texts, call);
    keys.forEach((key, index) => {
      if (key === undefined) return;
      const cached = deps.memory.peek(key);
      if (cached) entries.set(key, cached);
      else wanted.set(key, normalised[index] ?? '');
    });
    const fetched = wanted.size > 0 ? await resolve(wanted, call) : undefined;
    fetched?.entries.forEach((entry, key) => entries.set(key, entry));
    return { translations: outcomes(texts, keys, entries, call.source), upstreamCharacters: fetched?.upstreamCharacters ?? 0 };
  }

  async function remembered(texts: readonly string[], target: string, source?: string, register?: ConversationFormality): Promise<TranslationOutcome[] | undefined> {
    const call = await callFor(target, source, { register });
    const { keys } = keysOf(texts, call);
    const entries = new Map<string, MemoryEntry>();
    for (const key of keys) {
      if (key === undefined) continue;
      const cached = deps.memory.peek(key);
      if (!cached) return undefined;
      entries.set(key, cached);
    }
    return outcomes(texts, keys, entries, call.source);
  }

  /** Shares one lookup (and at most one upstream call) between concurrent requests for a text. */
  async function resolve(wanted: Map<string, string>, call: Call): Promise<Fetched> {
    const entries = new Map<string, MemoryEntry>();
    const waits: Promise<unknown>[] = [];
    const mine: [string, string][] = [];
    for (const [key, text] of wanted) {
      const shared = inFlight.get(key);
      if (shared) waits.push(shared.then((entry) => entry && entries.set(key, entry)));
      else mine.push([key, text]);
    }
    let upstreamCharacters = 0;
    if (mine.length > 0) {
      // Never rejects: every waiter gets originals rather than an error.
      const fetching = fetchMissing(mine, call).catch((error: unknown): Fetched => {
        deps.logger.error({ err: error }, 'translation lookup failed');
        return { entries: new Map(), upstreamCharacters: 0 };
      });
      for (const [key] of mine) {
        const one = fetching.then((result) => result.entries.get(key));
        inFlight.set(key, one);
        void one.finally(() => inFlight.get(key) === one && inFlight.delete(key));
      }
      waits.push(
        fetching.then((result) => {
          result.entries.forEach((entry, key) => entries.set(key, entry));
          upstreamCharacters = result.upstreamCharacters;
        }),
      );
    }
    await Promise.all(waits);
    return { entries, upstreamCharacters };
  }

  async function fetchMissing(items: [string, string][], call: Call): Promise<Fetched> {
    const entries = await deps.memory.lookup(items.map(([key]) => key));
    const missing = items.filter(([key]) => !entries.has(key));
    if (missing.length === 0 || !deps.translator.available || !deps.breaker.allowRequest()) {
      return { entries, upstreamCharacters: 0 };
    }
    const fresh = await callTranslator(missing, call);
    for (const { key, entry } of fresh) entries.set(key, entry);
    return { entries, upstreamCharacters: missing.reduce((sum, [, text]) => sum + text.length, 0) };
  }

  type Remembered = { key: string; source: string; target: string; entry: MemoryEntry };

  /** After DeepL's answer: billed (the texts alone: DeepL does not bill context) and remembered, even if the reader left. */
  async function countAndRemember(missing: [string, string][], results: Awaited<ReturnType<Translator['translate']>>, call: Call): Promise<Remembered[]> {
    const { source, target } = call;
    const billed = missing.reduce((sum, [, text]) => sum + text.length, 0);
    await deps.usage?.record(billed, call.conversationId, call.nonEssential ? 'preview' : 'message');
    const fresh = missing.flatMap(([key], index): Remembered[] => {
      const result = results[index];
      if (!result || result.untranslated) return [];
      const entry = { translation: result.text, detectedSourceLang: result.detectedSourceLang };
      return [{ key, source: source ? baseLanguage(source) : 'auto', target, entry }];
    });
    // Remembered even when the reader stopped waiting, so the next render is translated.
    await deps.memory.remember(fresh);
    return fresh;
  }

  /**
   * One upstream call, bounded by the deadline. Missing the deadline counts as a failure at once
   * (the reader got originals); whatever happens later only fills the memory. The deadline is
   * DeepL's alone: an answer in time is the reader's, however long the database then takes to
   * count and remember it (a busy database is not a failing DeepL, and the customer of an SMS
   * conversation would otherwise receive the rep's untranslated words).
   */
  async function callTranslator(missing: [string, string][], call: Call) {
    let decided = false;
    const decide = (outcome: () => void) => {
      if (!decided) outcome();
      decided = true;
    };
    const texts = missing.map(([, text]) => text);
    const options = { ...call.settings.options, ...(call.context ? { context: call.context } : {}) };
    const answered = deps.translator.translate(texts, call.target, call.settings.sendSource ? call.source : undefined, options).then(
      (results) => {
        decide(() => deps.breaker.recordSuccess());
        return results;
      },
      (error: unknown) => {
        decide(() => deps.breaker.recordFailure(error));
        deps.logger.debug({ err: error, translator: deps.translator.name }, 'translation failed; serving originals');
        return undefined;
      },
    );
    const upstream = answered.then((results) => (results ? countAndRemember(missing, results, call) : []));
    const timedOut = Symbol('timed out');
    if ((await withDeadline(answered, deps.timeoutMs + deadlineSlackMs, timedOut)) !== timedOut) return upstream;
    decide(() => deps.breaker.recordFailure(new Error(`no answer within ${deps.timeoutMs} ms`)));
    upstream.catch((error: unknown) => deps.logger.warn({ err: error }, 'a late translation could not be remembered'));
    return [];
  }

  function prefetch(text: string, source: string | undefined, targets: readonly string[], options: PrefetchOptions = {}): void {
    let reported = false;
    const report = (batch: TranslationBatch, target: string) => {
      const [outcome] = batch.translations;
      if (outcome && !outcome.untranslated) options.onTranslated?.(outcome.text, target);
      if (reported || !outcome || outcome.untranslated || !outcome.detectedSourceLang) return;
      reported = true;
      options.onDetected?.(outcome.detectedSourceLang);
    };
    setImmediate(() => {
      void start().catch((error: unknown) => deps.logger.warn({ err: error }, 'background translation failed'));
    });
    async function start(): Promise<void> {
      const distinct = [...new Set(targets.map(normaliseLanguageCode))].filter((code) => !isSameLanguage(source, code));
      // What the memory has costs nothing, not even reading the context (a database query).
      const missing = distinct.filter((target) => {
        const hit = cached(text, target, source, options.registers?.[target]);
        if (hit) report({ translations: [hit], upstreamCharacters: 0 }, target);
        return !hit;
      });
      if (missing.length === 0) return;
      const context = options.context ?? (await options.loadContext?.().catch(() => undefined));
      for (const target of missing) {
        const register = options.registers?.[target];
        const request = { context, register, detectSource: options.detectSource, conversationId: options.conversationId };
        translate([text], target, source, request).then((batch) => report(batch, target), (error: unknown) => {
          deps.logger.warn({ err: error }, 'background translation failed');
        });
      }
    }
  }

  /** A peek at the memory under the key `translate` would use (same register and glossary). */
  function cached(text: string, target: string, source?: string, register?: ConversationFormality): TranslationOutcome | undefined {
    const sourceCode = source ? normaliseLanguageCode(source) : undefined;
    const targetCode = normaliseLanguageCode(target);
    const normalised = normaliseText(text);
    if (normalised === '' || isSameLanguage(sourceCode, targetCode)) return undefined;
    const call = { source: sourceCode, target: targetCode, settings: settingsFor({ source: sourceCode, target: targetCode, register }) };
    const entry = deps.memory.peek(keyerOf(call)(normalised));
    const detectedFallback = sourceCode ? baseLanguage(sourceCode) : undefined;
    return entry ? { text: entry.translation, detectedSourceLang: entry.detectedSourceLang ?? detectedFallback } : undefined;
  }

  const isRemembered = (text: string, target: string, source: string | undefined, register?: ConversationFormality) =>
    cached(text, target, source, register) !== undefined;

  return { translate, remembered, prefetch, isRemembered, cached };
}

/** Resolves with `fallback` when `promise` takes longer than `ms`; the promise keeps running. */
function withDeadline<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<F>((done) => {
    timer = setTimeout(() => done(fallback), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
