import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { baseLanguage, builtInTargetLanguages } from '../contract/languages.js';
import { ValidationError } from '../lib/errors.js';
import type { DeeplAccount } from './deepl-account.js';
import { GlossaryModel, type GlossaryRecord } from './glossary.model.js';

export interface GlossaryTerm {
  source: string;
  target: string;
}

export interface GlossarySummary {
  pair: string;
  terms: GlossaryTerm[];
  /** True when DeepL holds exactly these terms (translations use them). */
  synced: boolean;
  deeplGlossaryId: string | null;
}

const bases = new Set(builtInTargetLanguages.map(({ code }) => baseLanguage(code)));
// DeepL refuses tabs and line breaks inside a glossary term (they separate entries).
const termPattern = /^[^\t\r\n]{1,200}$/u;

/** `EN>ES` from `EN-US` and `es`: glossaries are per base-language pair. */
export function glossaryPair(source: string, target: string): string {
  const from = baseLanguage(source.toUpperCase());
  const to = baseLanguage(target.toUpperCase());
  if (!bases.has(from) || !bases.has(to) || from === to) {
    throw new ValidationError(`"${source}>${target}" is not a language pair DeepL translates.`);
  }
  return `${from}>${to}`;
}

function checkTerm(term: GlossaryTerm): GlossaryTerm {
  const source = term.source.trim();
  const target = term.target.trim();
  if (!termPattern.test(source) || !termPattern.test(target)) {
    throw new ValidationError('A glossary term is 1 to 200 characters, without tabs or line breaks.');
  }
  return { source, target };
}

/** The hash of the terms: it names what changes a translation, so it keys the memory. */
export function glossaryVersion(entries: readonly GlossaryTerm[]): string {
  const lines = [...entries].sort((a, b) => a.source.localeCompare(b.source)).map((term) => `${term.source}\t${term.target}`);
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

/** `source,target` rows (a header row `source,target` is skipped). */
export function parseGlossaryCsv(text: string): GlossaryTerm[] {
  const rows = parse(text, { skip_empty_lines: true, trim: true, relax_column_count: false }) as string[][];
  return rows
    .filter((row, index) => !(index === 0 && row[0]?.toLowerCase() === 'source' && row[1]?.toLowerCase() === 'target'))
    .map((row) => {
      if (row.length !== 2) throw new ValidationError('Each CSV row needs exactly two columns: source term, target term.');
      return checkTerm({ source: row[0] ?? '', target: row[1] ?? '' });
    });
}

async function load(pair: string): Promise<GlossaryRecord | null> {
  return GlossaryModel.findById(pair).lean<GlossaryRecord>();
}

/** Writes the new terms; the DeepL side follows with sync(). */
async function save(pair: string, entries: GlossaryTerm[]): Promise<void> {
  const [sourceLang = '', targetLang = ''] = pair.split('>');
  await GlossaryModel.updateOne(
    { _id: pair },
    { $set: { entries, version: glossaryVersion(entries), sourceLang, targetLang } },
    { upsert: true },
  );
}

function merged(current: readonly GlossaryTerm[], added: readonly GlossaryTerm[]): GlossaryTerm[] {
  const bySource = new Map(current.map((term) => [term.source, term]));
  for (const term of added) bySource.set(term.source, term);
  return [...bySource.values()];
}

/** Admins' glossary: terms in MongoDB, copied to a DeepL glossary whenever they change. */
export function createGlossaryService(account: DeeplAccount | undefined) {
  /** Makes DeepL hold the pair's current terms; nothing happens when it already does. */
  async function sync(pair: string): Promise<GlossarySummary> {
    const record = await load(pair);
    if (!record) throw new ValidationError(`There is no glossary for ${pair}.`);
    if (record.syncedVersion === record.version) return summary(record);
    if (!account) throw new ValidationError('DeepL is not configured (DEEPL_AUTH_KEY or DEEPL_SERVER_URL): terms are saved, not synchronised.');
    const entries = Object.fromEntries(record.entries.map((term) => [term.source, term.target]));
    const deeplGlossaryId =
      record.entries.length > 0 ? await account.createGlossary(`parley ${pair} ${record.version}`, record.sourceLang, record.targetLang, entries) : null;
    // The one before the previous is no server's any more: the previous stays for one change.
    if (record.previousDeeplGlossaryId) await account.deleteGlossary(record.previousDeeplGlossaryId).catch(() => undefined);
    await GlossaryModel.updateOne(
      { _id: pair },
      { $set: { deeplGlossaryId, syncedVersion: record.version, previousDeeplGlossaryId: record.deeplGlossaryId, syncedAt: new Date() } },
    );
    return summary({ ...record, deeplGlossaryId, syncedVersion: record.version });
  }

  async function change(pair: string, update: (terms: GlossaryTerm[]) => GlossaryTerm[]): Promise<GlossarySummary> {
    const current = (await load(pair))?.entries ?? [];
    await save(pair, update(current.map(({ source, target }) => ({ source, target }))));
    // Without DeepL the terms wait in MongoDB; `glossary:sync` sends them once it is configured.
    if (!account) return summary((await load(pair)) ?? { ...emptyRecord, _id: pair });
    return sync(pair);
  }

  return {
    sync,
    /** Every pair whose terms DeepL does not hold yet. */
    async syncAll(): Promise<GlossarySummary[]> {
      const records = await GlossaryModel.find({}).sort({ _id: 1 }).lean<GlossaryRecord[]>();
      const results: GlossarySummary[] = [];
      for (const record of records) results.push(await sync(record._id));
      return results;
    },
    async list(): Promise<GlossarySummary[]> {
      const records = await GlossaryModel.find({}).sort({ _id: 1 }).lean<GlossaryRecord[]>();
      return records.map(summary);
    },
    add: (pair: string, term: GlossaryTerm) => change(pair, (terms) => merged(terms, [checkTerm(term)])),
    remove: (pair: string, source: string) =>
      change(pair, (terms) => {
        const rest = terms.filter((term) => term.source !== source.trim());
        if (rest.length === terms.length) throw new ValidationError(`"${source}" is not in the ${pair} glossary.`);
        return rest;
      }),
    importCsv: (pair: string, csv: string) => change(pair, (terms) => merged(terms, parseGlossaryCsv(csv))),
  };
}

const emptyRecord: GlossaryRecord = {
  _id: '',
  sourceLang: '',
  targetLang: '',
  entries: [],
  version: '',
  deeplGlossaryId: null,
  syncedVersion: null,
  previousDeeplGlossaryId: null,
  syncedAt: null,
};

function summary(record: GlossaryRecord): GlossarySummary {
  return {
    pair: record._id,
    terms: record.entries.map(({ source, target }) => ({ source, target })),
    synced: record.syncedVersion === record.version,
    deeplGlossaryId: record.deeplGlossaryId,
  };
}

export type GlossaryService = ReturnType<typeof createGlossaryService>;
