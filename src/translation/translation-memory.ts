import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { isDuplicateKeyError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { baseLanguage, normaliseLanguageCode } from '../contract/languages.js';
import { TranslationMemoryModel } from './translation-memory.model.js';

/** A remembered translation. */
export interface MemoryEntry {
  translation: string;
  detectedSourceLang: string | undefined;
}

export interface MemoryKeyParts {
  text: string;
  /** The declared source language, or undefined when DeepL detects it ("auto"). Only its base
   * language counts: DeepL takes base source languages (`EN-US` text is sent as `EN`). */
  source: string | undefined;
  target: string;
  /** Anything else that changes the result (formality, glossary); none used yet. */
  options?: Record<string, string>;
}

/** Texts differing only in Unicode form or surrounding white space translate the same. */
export function normaliseText(text: string): string {
  return text.normalize('NFC').trim();
}

/** Plain key → its hash; bounded by count and by the texts' size. */
const hashedKeys = new LRUCache<string, string>({ max: 20_000, maxSize: 16 * 1024 * 1024, sizeCalculation: (_hash, plain) => plain.length * 2 + 128 });

/**
 * The keys of one request's texts: what does not depend on the text is joined once, and each
 * key's SHA-256 is remembered for a while (the same few texts are asked for again and again as
 * pages render them; hashing was a large share of a memory hit's cost).
 */
export function memoryKeyer(parts: Omit<MemoryKeyParts, 'text'>): (normalisedText: string) => string {
  const options = Object.entries(parts.options ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const source = parts.source ? baseLanguage(parts.source) : 'auto';
  const rest = ['', source, normaliseLanguageCode(parts.target), options].join('\u0000');
  return (normalisedText) => {
    const plain = normalisedText + rest;
    let key = hashedKeys.get(plain);
    if (key === undefined) {
      key = createHash('sha256').update(plain).digest('hex');
      hashedKeys.set(plain, key);
    }
    return key;
  };
}

export function memoryKey(parts: MemoryKeyParts): string {
  return memoryKeyer(parts)(normaliseText(parts.text));
}

export interface TranslationMemory {
  /** The in-process cache only: answers without waiting, for the hot path. */
  peek(key: string): MemoryEntry | undefined;
  /** Remembered entries for the keys found; database trouble counts as "not found". */
  lookup(keys: readonly string[]): Promise<Map<string, MemoryEntry>>;
  remember(entries: readonly { key: string; source: string; target: string; entry: MemoryEntry }[]): Promise<void>;
}

/** The MongoDB collection with an in-process LRU in front of it. */
export function createTranslationMemory(options: { logger: Logger; cacheSize?: number }): TranslationMemory {
  // Bounded by count and by size: a translation may be up to ~5,000 characters.
  const cache = new LRUCache<string, MemoryEntry>({
    max: options.cacheSize ?? 50_000,
    maxSize: 64 * 1024 * 1024,
    sizeCalculation: (entry) => entry.translation.length * 2 + 128,
  });
  const { logger } = options;
  return {
    peek: (key) => cache.get(key),
    async lookup(keys) {
      const found = new Map<string, MemoryEntry>();
      const missing: string[] = [];
      for (const key of keys) {
        const cached = cache.get(key);
        if (cached) found.set(key, cached);
        else missing.push(key);
      }
      if (missing.length === 0) return found;
      try {
        // One point read per key, not `$in`: FerretDB 1.x only uses the index for a single _id.
        const records = await Promise.all(missing.map((key) => TranslationMemoryModel.findById(key).lean()));
        for (const record of records) {
          if (!record) continue;
          const entry = { translation: record.translation, detectedSourceLang: record.detectedSourceLang ?? undefined };
          cache.set(record._id, entry);
          found.set(record._id, entry);
        }
      } catch (error) {
        logger.warn({ err: error }, 'translation memory lookup failed; asking the translator instead');
      }
      return found;
    },
    async remember(entries) {
      for (const { key, entry } of entries) cache.set(key, entry);
      const documents = entries.map(({ key, source, target, entry }) => ({
        _id: key,
        source,
        target,
        translation: entry.translation,
        detectedSourceLang: entry.detectedSourceLang ?? null,
      }));
      if (documents.length === 0) return;
      try {
        await TranslationMemoryModel.insertMany(documents, { ordered: false });
      } catch (error) {
        // Another process (or request) remembered the same translation first: that is fine.
        if (!onlyDuplicateKeys(error)) {
          logger.warn({ err: error }, 'could not store translations in the translation memory');
        }
      }
    },
  };
}

/** insertMany reports each refused document; only "already there" refusals are expected. */
function onlyDuplicateKeys(error: unknown): boolean {
  const writeErrors = (error as { writeErrors?: unknown } | null)?.writeErrors;
  if (Array.isArray(writeErrors) && writeErrors.length > 0) return writeErrors.every((item) => isDuplicateKeyError(item));
  return isDuplicateKeyError(error);
}
