import type { Logger } from '../lib/logger.js';
import { baseLanguage } from '../contract/languages.js';
import { GlossaryModel, type GlossaryRecord } from './glossary.model.js';

/** The DeepL glossary in use for a pair, and the version of the terms it holds. */
export interface ActiveGlossary {
  id: string;
  version: string;
}

export interface GlossaryDirectory {
  /** From what was last read, without waiting. */
  find(source: string, target: string): ActiveGlossary | undefined;
  /** Reads the glossaries again when the last read is older than the refresh interval. */
  ensureFresh(): Promise<void>;
}

/**
 * The server's view of the synchronised glossaries: a handful of documents, read at most once per
 * `refreshMs`, so a change made with the admin CLI reaches every instance within that time.
 */
export function createGlossaryDirectory(options: { logger: Logger; refreshMs?: number; now?: () => number }): GlossaryDirectory {
  const refreshMs = options.refreshMs ?? 30_000;
  const now = options.now ?? Date.now;
  let active = new Map<string, ActiveGlossary>();
  let readAt: number | undefined;
  let reading: Promise<void> | undefined;

  async function read(): Promise<void> {
    try {
      const records = await GlossaryModel.find({}).lean<GlossaryRecord[]>();
      active = new Map(
        records.flatMap((record) =>
          record.deeplGlossaryId && record.syncedVersion ? [[record._id, { id: record.deeplGlossaryId, version: record.syncedVersion }] as const] : [],
        ),
      );
      readAt = now();
    } catch (error) {
      // Keep what was known; try again at the next translation.
      options.logger.warn({ err: error }, 'could not read the glossaries; using the ones known');
    }
  }

  return {
    find: (source, target) => active.get(`${baseLanguage(source)}>${baseLanguage(target)}`),
    async ensureFresh() {
      if (readAt !== undefined && now() - readAt < refreshMs) return;
      reading ??= read().finally(() => (reading = undefined));
      await reading;
    },
  };
}
