import type { Logger } from '../lib/logger.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { baseLanguage, isSameLanguage, normaliseLanguageCode } from '../contract/languages.js';
import { memoryKey, normaliseText, type MemoryEntry, type TranslationMemory } from './translation-memory.js';
import type { Translator } from './translator.js';

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

export interface TranslationService {
  /** Never throws for upstream trouble: failing texts come back as originals marked untranslated. */
  translate(texts: readonly string[], target: string, source?: string): Promise<TranslationBatch>;
  /**
   * Translates a stored message into the other participants' languages in the background, so
   * readers hit the memory. Returns at once and never throws.
   */
  prefetch(text: string, source: string | undefined, targets: readonly string[]): void;
  /** The translation when this process's memory already has it, without waiting; else undefined. */
  cached(text: string, target: string, source?: string): TranslationOutcome | undefined;
}

export interface TranslationServiceDeps {
  translator: Translator;
  memory: TranslationMemory;
  breaker: CircuitBreaker;
  logger: Logger;
  /** How long a reader waits for the translator before getting originals. */
  timeoutMs: number;
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

  async function translate(texts: readonly string[], target: string, source?: string): Promise<TranslationBatch> {
    const targetCode = normaliseLanguageCode(target);
    const sourceCode = source ? normaliseLanguageCode(source) : undefined;
    const entries = new Map<string, MemoryEntry>();
    const wanted = new Map<string, string>();
    const keys = texts.map((text) => {
      if (normaliseText(text) === '' || isSameLanguage(sourceCode, targetCode)) return undefined;
      const key = memoryKey({ text, source: sourceCode, target: targetCode });
      const cached = deps.memory.peek(key);
      if (cached) entries.set(key, cached);
      else wanted.set(key, normaliseText(text));
      return key;
    });
    const fetched = wanted.size > 0 ? await resolve(wanted, sourceCode, targetCode) : undefined;
    fetched?.entries.forEach((entry, key) => entries.set(key, entry));
    const detectedFallback = sourceCode ? baseLanguage(sourceCode) : undefined;
    const translations = texts.map((text, index): TranslationOutcome => {
      const key = keys[index];
      if (key === undefined) return { text, detectedSourceLang: detectedFallback };
      const entry = entries.get(key);
      if (!entry) return { text, detectedSourceLang: detectedFallback, untranslated: true, ...offReason };
      return { text: entry.translation, detectedSourceLang: entry.detectedSourceLang ?? detectedFallback };
    });
    return { translations, upstreamCharacters: fetched?.upstreamCharacters ?? 0 };
  }

  /** Shares one lookup (and at most one upstream call) between concurrent requests for a text. */
  async function resolve(wanted: Map<string, string>, source: string | undefined, target: string): Promise<Fetched> {
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
      const fetching = fetchMissing(mine, source, target).catch((error: unknown): Fetched => {
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

  async function fetchMissing(items: [string, string][], source: string | undefined, target: string): Promise<Fetched> {
    const entries = await deps.memory.lookup(items.map(([key]) => key));
    const missing = items.filter(([key]) => !entries.has(key));
    if (missing.length === 0 || !deps.translator.available || !deps.breaker.allowRequest()) {
      return { entries, upstreamCharacters: 0 };
    }
    const fresh = await callTranslator(missing, source, target);
    for (const { key, entry } of fresh) entries.set(key, entry);
    return { entries, upstreamCharacters: missing.reduce((sum, [, text]) => sum + text.length, 0) };
  }

  type Remembered = { key: string; source: string; target: string; entry: MemoryEntry };

  /**
   * One upstream call, bounded by the deadline. Missing the deadline counts as a failure at once
   * (the reader got originals); whatever happens later only fills the memory.
   */
  async function callTranslator(missing: [string, string][], source: string | undefined, target: string) {
    let decided = false;
    const decide = (outcome: () => void) => {
      if (!decided) outcome();
      decided = true;
    };
    const upstream = deps.translator.translate(missing.map(([, text]) => text), target, source).then(
      async (results) => {
        decide(() => deps.breaker.recordSuccess());
        const fresh = missing.flatMap(([key], index): Remembered[] => {
          const result = results[index];
          if (!result || result.untranslated) return [];
          const entry = { translation: result.text, detectedSourceLang: result.detectedSourceLang };
          return [{ key, source: source ? baseLanguage(source) : 'auto', target, entry }];
        });
        // Remembered even when the reader stopped waiting, so the next render is translated.
        await deps.memory.remember(fresh);
        return fresh;
      },
      (error: unknown) => {
        decide(() => deps.breaker.recordFailure(error));
        deps.logger.debug({ err: error, translator: deps.translator.name }, 'translation failed; serving originals');
        return [];
      },
    );
    const timedOut = Symbol('timed out');
    const fresh = await withDeadline(upstream, deps.timeoutMs + deadlineSlackMs, timedOut);
    if (fresh !== timedOut) return fresh;
    decide(() => deps.breaker.recordFailure(new Error(`no answer within ${deps.timeoutMs} ms`)));
    return [];
  }

  function prefetch(text: string, source: string | undefined, targets: readonly string[]): void {
    setImmediate(() => {
      try {
        const distinct = [...new Set(targets.map(normaliseLanguageCode))];
        for (const target of distinct.filter((code) => !isSameLanguage(source, code))) {
          translate([text], target, source).catch((error: unknown) => {
            deps.logger.warn({ err: error }, 'background translation failed');
          });
        }
      } catch (error) {
        deps.logger.warn({ err: error }, 'background translation failed');
      }
    });
  }

  function cached(text: string, target: string, source?: string): TranslationOutcome | undefined {
    if (normaliseText(text) === '' || isSameLanguage(source, target)) return undefined;
    const entry = deps.memory.peek(memoryKey({ text, source: source ? normaliseLanguageCode(source) : undefined, target: normaliseLanguageCode(target) }));
    const detectedFallback = source ? baseLanguage(source) : undefined;
    return entry ? { text: entry.translation, detectedSourceLang: entry.detectedSourceLang ?? detectedFallback } : undefined;
  }

  return { translate, prefetch, cached };
}

/** Resolves with `fallback` when `promise` takes longer than `ms`; the promise keeps running. */
function withDeadline<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<F>((done) => {
    timer = setTimeout(() => done(fallback), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
