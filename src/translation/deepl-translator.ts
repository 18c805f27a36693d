import * as deepl from 'deepl-node';
import { baseLanguage, normaliseLanguageCode } from '../contract/languages.js';
import type { TranslatedText, TranslateOptions, Translator } from './translator.js';

/** DeepL's request size limit is 128 KiB; keep room for the other form fields. */
export const maxRequestBytes = 120 * 1024;
/** DeepL translates at most 50 texts per request (its documented limit; the spec sets no maxItems). */
export const maxTextsPerRequest = 50;

export interface DeeplTranslatorOptions {
  authKey: string;
  serverUrl: string | undefined;
  /** One attempt of at most this long: a reader waits for this, not for DeepL's retry schedule. */
  timeoutMs: number;
}

/** DeepL answered 403: the key in DEEPL_AUTH_KEY is wrong, revoked, or for the other plan's API. */
export class TranslatorKeyRefusedError extends Error {
  constructor(cause: unknown) {
    super('DeepL refused the authentication key (403).', { cause });
    this.name = 'TranslatorKeyRefusedError';
  }
}

/** A refused key gets its own error: it needs a person to fix it, waiting will not help. */
async function classified<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw error instanceof deepl.AuthorizationError ? new TranslatorKeyRefusedError(error) : error;
  }
}

/**
 * The `deepl-node` adapter. Errors from DeepL (429, 456, 5xx, timeouts) are thrown as they come;
 * a 403 as TranslatorKeyRefusedError.
 */
export function createDeeplTranslator(options: DeeplTranslatorOptions): Translator {
  const client = new deepl.Translator(options.authKey, {
    serverUrl: options.serverUrl,
    // deepl-node's defaults (5 attempts, 5 s+ each, backoff between) would hold a reader ~25 s.
    // One attempt bounded by the timeout; repeated failures are the circuit breaker's business.
    maxRetries: 0,
    minTimeout: options.timeoutMs,
    appInfo: { appName: 'parley', appVersion: '0.1.0' },
  });

  return {
    name: 'deepl',
    available: true,
    async translate(texts, target, source, options) {
      const results: TranslatedText[] = texts.map((text) => ({ text, detectedSourceLang: undefined }));
      // deepl-node throws on empty strings: leave them out and answer them as they are.
      const indexes = texts.flatMap((text, index) => (text.length > 0 ? [index] : []));
      const chunks = splitIntoRequests(indexes.map((index) => texts[index] ?? ''));
      const sourceLang = source ? (baseLanguage(source).toLowerCase() as deepl.SourceLanguageCode) : null;
      const targetLang = normaliseLanguageCode(target) as deepl.TargetLanguageCode;
      let offset = 0;
      const requests = chunks.map((chunk) => {
        const start = offset;
        offset += chunk.length;
        return classified(() => client.translateText(chunk, sourceLang, targetLang, requestOptions(options))).then((translated) => {
          translated.forEach((result, position) => {
            const index = indexes[start + position];
            if (index === undefined) return;
            results[index] = { text: result.text, detectedSourceLang: normaliseLanguageCode(result.detectedSourceLang) };
          });
        });
      });
      await Promise.all(requests);
      return results;
    },
    async targetLanguages() {
      const languages = await classified(() => client.getTargetLanguages());
      return languages.map((language) => ({ code: normaliseLanguageCode(language.code), name: language.name }));
    },
  };
}

/** Only what is set goes out: DeepL refuses a glossary without a source, so callers pass both. */
function requestOptions(options: TranslateOptions | undefined): deepl.TranslateTextOptions | undefined {
  if (!options) return undefined;
  const result: deepl.TranslateTextOptions = {};
  if (options.context) result.context = options.context;
  if (options.formality) result.formality = options.formality;
  if (options.glossaryId) result.glossary = options.glossaryId;
  if (options.xml) {
    // Structure comes from the splitting tags alone, so DeepL never merges two of them into one sentence.
    result.tagHandling = 'xml';
    result.ignoreTags = [...options.xml.ignoreTags];
    result.splittingTags = [...options.xml.splittingTags];
    result.outlineDetection = false;
  }
  return result;
}

/** Size of one text in DeepL's form-encoded request body (`text=...&`). */
function encodedSize(text: string): number {
  return new URLSearchParams({ text }).toString().length + 1;
}

/**
 * Groups texts, in order, into requests DeepL accepts: at most 50 texts and 120 KiB each. A single
 * text larger than the limit goes alone (DeepL then refuses it and the caller falls back).
 */
export function splitIntoRequests(texts: readonly string[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let currentBytes = 0;
  for (const text of texts) {
    const size = encodedSize(text);
    const full = current.length >= maxTextsPerRequest || currentBytes + size > maxRequestBytes;
    if (current.length > 0 && full) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(text);
    currentBytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
