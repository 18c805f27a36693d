/**
 * A local DeepL API for tests and benchmarks: a real HTTP server on 127.0.0.1 that the real
 * `deepl-node` client talks to (point it there with `DEEPL_SERVER_URL` / `serverUrl`).
 *
 *   const deepl = await startDeeplServer();        // or startDeeplServer({ authKey: 'k' })
 *   const config = testConfig({ DEEPL_SERVER_URL: deepl.url, DEEPL_AUTH_KEY: 'k' });
 *   deepl.requests          // requests answered or faulted (spec-valid and authorised ones)
 *   deepl.translateRequests // of which POST /v2/translate
 *   deepl.characters        // characters of text received by /v2/translate
 *   deepl.setFault('429')   // '429' | '456' | '500' | 'hang' | null; 'hang' holds requests unanswered
 *   deepl.setFault(null)    // back to normal (hung requests are cut off)
 *   deepl.translations.set(dictionaryKey('hola', 'EN-US'), 'hello');  // extra fixed translations
 *   deepl.targetLanguages.push({ code: 'XX', name: 'Test' });         // what /v2/languages lists
 *   deepl.translateLog      // every POST /v2/translate: texts, languages, context, formality, glossary_id
 *   deepl.glossaries        // glossaries created through /v2/glossaries, by id
 *   deepl.resetCounts(); await deepl.close();
 *
 * Requests over DeepL's 128 KiB limit get 413. Every other request goes through the spec
 * validator (`deepl_openapi.yaml`): anything the real API would refuse is answered 4xx as the spec
 * describes, and is not counted. Then the `Authorization: DeepL-Auth-Key <key>` header is checked
 * (403 otherwise, as DeepL does). In tests, `useDeeplServer()` (test/translation/local-deepl.ts)
 * starts one per file and resets faults and counts after each test.
 *
 * Translation is fake and deterministic: a small Spanish↔English dictionary (whole text,
 * case-insensitive, see `defaultDictionary`), otherwise `[ES] original`. The source language is
 * `source_lang` when given, else ES when the text looks Spanish (accents, ¿ ¡, common words),
 * else PT when it looks Portuguese (ã, õ, ç, common words), else EN. Text already in the target's
 * base language comes back unchanged, as with DeepL. What changes a result shows in the marker:
 * `[DE formal]` / `[DE informal]` for `formality`, `+context` when `context` was given; a glossary's
 * terms replace their source terms and add `+glossary`. `context` is not counted in `characters`
 * (DeepL does not bill it). With `tag_handling=xml` the tags stay and each text between them is
 * translated on its own, except inside the `ignore_tags` (as DeepL does).
 */
import type { Server } from 'node:http';
import express from 'express';
import { closeServer, listen } from '../../src/lib/http-server.js';
import { baseLanguage, builtInTargetLanguages, type Language } from '../../src/contract/languages.js';
import { applyGlossary, glossaryRoutes, type FakeGlossary } from './deepl-glossaries.js';
import { rejectRequestsOutsideSpec } from './openapi/express.js';
import { deeplSpecPath, loadSpecValidator, type SpecValidator } from './openapi/spec-validator.js';

/** DeepL refuses larger requests with 413. */
export const maxRequestBytes = 128 * 1024;

export type DeeplFault = '429' | '456' | '500' | 'hang';

/** One POST /v2/translate as received (after the spec check and the key check). */
export interface TranslateCall {
  text: string[];
  sourceLang: string | undefined;
  targetLang: string;
  context: string | undefined;
  formality: string | undefined;
  glossaryId: string | undefined;
  tagHandling: string | undefined;
}

export interface DeeplServer {
  url: string;
  readonly requests: number;
  readonly translateRequests: number;
  readonly characters: number;
  readonly translateLog: readonly TranslateCall[];
  readonly glossaries: ReadonlyMap<string, FakeGlossary>;
  /** Fixed translations by `dictionaryKey(text, target)`, consulted before the built-in rules. */
  translations: Map<string, string>;
  /** What GET /v2/languages?type=target answers (the built-in list at start); change it freely. */
  targetLanguages: Language[];
  setFault(fault: DeeplFault | null): void;
  resetCounts(): void;
  close(): Promise<void>;
}

export interface DeeplServerOptions {
  /** When set, only this key is accepted; otherwise any non-empty key is. */
  authKey?: string;
}

/** Spanish → English pairs (matched case-insensitively); each is also used English → Spanish. */
export const defaultDictionary: readonly (readonly [string, string])[] = [
  ['Hola', 'Hello'],
  ['Gracias', 'Thank you'],
  ['Buenos días', 'Good morning'],
  ['¿Cómo estás?', 'How are you?'],
  ['Necesito ayuda con mi pedido', 'I need help with my order'],
  ['Mi pedido no ha llegado', 'My order has not arrived'],
  ['¿En qué puedo ayudarle?', 'How can I help you?'],
  ['Adiós', 'Goodbye'],
];

export function dictionaryKey(text: string, target: string): string {
  return `${baseLanguage(target)}:${text.trim().toLowerCase()}`;
}

const spanishWords = /(^|[^\p{L}])(hola|gracias|el|la|los|las|que|por|favor|mi|mis|es|está|un|una|sí|buenos|días|pedido|ayuda|necesito)(?=$|[^\p{L}])/iu;

const portugueseWords = /(^|[^\p{L}])(obrigado|obrigada|você|olá|minha|encomenda|chegou|ainda|não)(?=$|[^\p{L}])/iu;

export function detectLanguage(text: string): 'ES' | 'EN' | 'PT' {
  if (/[ãõç]/i.test(text) || portugueseWords.test(text)) return 'PT';
  return /[¿¡ñáéíóú]/i.test(text) || spanishWords.test(text) ? 'ES' : 'EN';
}

function defaultTranslations(): Map<string, string> {
  const map = new Map<string, string>();
  for (const [spanish, english] of defaultDictionary) {
    map.set(dictionaryKey(spanish, 'EN'), english);
    map.set(dictionaryKey(english, 'ES'), spanish);
  }
  return map;
}

interface CallOptions {
  context: string | undefined;
  formality: string | undefined;
  glossary: FakeGlossary | undefined;
}

function marker(target: string, options: CallOptions): string {
  const register = /more$/.test(options.formality ?? '') ? ' formal' : /less$/.test(options.formality ?? '') ? ' informal' : '';
  const extras = [options.glossary ? ' +glossary' : '', options.context ? ' +context' : ''].join('');
  return `[${baseLanguage(target)}${register}${extras}]`;
}

function fakeTranslate(text: string, source: string, target: string, dictionary: Map<string, string>, options: CallOptions): string {
  if (baseLanguage(source) === baseLanguage(target)) return text;
  const fixed = dictionary.get(dictionaryKey(text, target));
  if (fixed !== undefined && !options.formality && !options.glossary) return fixed;
  const body = options.glossary ? applyGlossary(text, options.glossary) : text;
  return `${marker(target, options)} ${body}`;
}

/** DeepL's refusals for a glossary_id: it needs source_lang and the glossary's own pair. */
function glossaryProblem(glossary: FakeGlossary | undefined, source: string | undefined, target: string): string | undefined {
  if (!glossary) return 'Glossary not found';
  if (!source) return 'Use of a glossary requires the source_lang parameter to be specified';
  if (glossary.sourceLang !== baseLanguage(source) || glossary.targetLang !== baseLanguage(target)) {
    return 'Language pair of the glossary does not match the language pair of the request';
  }
  return undefined;
}

/** Translates the text between XML tags, leaving the tags and whatever is inside an ignored tag. */
function translateXml(xml: string, ignoreTags: ReadonlySet<string>, translate: (text: string) => string): string {
  let ignoredDepth = 0;
  return xml
    .split(/(<[^>]+>)/)
    .map((part) => {
      const tag = /^<(\/?)([A-Za-z][\w-]*)[^>]*>$/.exec(part);
      if (tag) {
        if (ignoreTags.has(tag[2] ?? '')) ignoredDepth += tag[1] ? -1 : 1;
        return part;
      }
      return ignoredDepth > 0 || part.trim() === '' ? part : translate(part);
    })
    .join('');
}

function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return value === undefined ? [] : [String(value)];
}

/** Compiles the operations the fake serves now, so the first request of a test is not slow. */
function warmUp(validator: SpecValidator): void {
  const form = 'application/x-www-form-urlencoded';
  validator.check({ method: 'POST', path: '/v2/translate', query: {}, contentType: form, body: { text: 'x', target_lang: 'DE' } });
  validator.check({ method: 'GET', path: '/v2/languages', query: { type: 'target' } });
  validator.check({ method: 'GET', path: '/v2/usage', query: {} });
}

export async function startDeeplServer(options: DeeplServerOptions = {}): Promise<DeeplServer> {
  const counts = { requests: 0, translateRequests: 0, characters: 0 };
  const translateLog: TranslateCall[] = [];
  const glossaries = new Map<string, FakeGlossary>();
  const translations = defaultTranslations();
  const targetLanguages: Language[] = builtInTargetLanguages.map((language) => ({ ...language }));
  const hung = new Set<express.Response>();
  let fault: DeeplFault | null = null;

  const app = express();
  app.use((req, res, next) => {
    // DeepL's request size limit, which deepl-node leaves to its callers.
    if (Number(req.get('content-length') ?? 0) > maxRequestBytes) {
      res.status(413).json({ message: 'Request size exceeds the limit.' });
      return;
    }
    next();
  });
  const validator = loadSpecValidator(deeplSpecPath());
  warmUp(validator);
  app.use(rejectRequestsOutsideSpec(validator));
  app.use((req, res, next) => {
    const key = /^DeepL-Auth-Key (\S+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (!key || (options.authKey !== undefined && key !== options.authKey)) {
      res.status(403).json({ message: 'Authorization failure, check auth_key' });
      return;
    }
    counts.requests += 1;
    if (req.path === '/v2/translate') {
      counts.translateRequests += 1;
      counts.characters += asList((req.body as { text?: unknown }).text).reduce((sum, text) => sum + text.length, 0);
    }
    next();
  });
  app.use((_req, res, next) => {
    if (fault === null) return next();
    if (fault === 'hang') {
      hung.add(res);
      return;
    }
    const messages = { '429': 'Too many requests', '456': 'Quota exceeded', '500': 'Internal error' };
    res.status(Number(fault)).json({ message: messages[fault] });
  });
  app.post('/v2/translate', (req, res) => {
    const body = req.body as Record<string, unknown>;
    const optional = (name: string) => (body[name] === undefined ? undefined : String(body[name]));
    const target = String(body.target_lang).toUpperCase();
    const declared = optional('source_lang')?.toUpperCase();
    const call: TranslateCall = {
      text: asList(body.text),
      sourceLang: declared,
      targetLang: target,
      context: optional('context'),
      formality: optional('formality'),
      glossaryId: optional('glossary_id'),
      tagHandling: optional('tag_handling'),
    };
    translateLog.push(call);
    const glossary = call.glossaryId === undefined ? undefined : glossaries.get(call.glossaryId);
    const problem = call.glossaryId === undefined ? undefined : glossaryProblem(glossary, declared, target);
    if (problem) {
      res.status(400).json({ message: problem });
      return;
    }
    const options: CallOptions = { context: call.context, formality: call.formality, glossary };
    const results = call.text.map((text) => {
      const source = declared ?? detectLanguage(text);
      const one = (part: string) => fakeTranslate(part, source, target, translations, options);
      const ignored = new Set(asList(body.ignore_tags).flatMap((tags) => tags.split(',')));
      const translated = call.tagHandling === 'xml' ? translateXml(text, ignored, one) : one(text);
      return { detected_source_language: source, text: translated, billed_characters: text.length };
    });
    res.json({ translations: results });
  });
  app.get('/v2/languages', (req, res) => {
    if (req.query.type === 'target') {
      res.json(targetLanguages.map(({ code, name }) => ({ language: code, name, supports_formality: false })));
      return;
    }
    const bases = [...new Map(builtInTargetLanguages.map(({ code, name }) => [baseLanguage(code), name.replace(/ \(.*\)$/, '')]))];
    res.json(bases.map(([language, name]) => ({ language, name })));
  });
  glossaryRoutes(app, glossaries);
  app.get('/v2/usage', (_req, res) => {
    res.json({ character_count: counts.characters, character_limit: 1_000_000_000 });
  });

  const server: Server = await listen(app, { port: 0, host: '127.0.0.1' });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const releaseHung = () => {
    for (const res of hung) res.socket?.destroy();
    hung.clear();
  };

  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return counts.requests;
    },
    get translateRequests() {
      return counts.translateRequests;
    },
    get characters() {
      return counts.characters;
    },
    translateLog,
    glossaries,
    translations,
    targetLanguages,
    setFault(next) {
      fault = next;
      if (next !== 'hang') releaseHung();
    },
    resetCounts() {
      counts.requests = 0;
      counts.translateRequests = 0;
      counts.characters = 0;
      translateLog.length = 0;
    },
    async close() {
      releaseHung();
      await closeServer(server, 1_000);
    },
  };
}
