/**
 * The /v2 glossary endpoints of the local DeepL (create, list, get, entries, delete), as
 * `deepl_openapi.yaml` describes them. Requests reach these handlers only after the spec validator
 * accepted them. Glossaries live in memory, per server.
 */
import { randomUUID } from 'node:crypto';
import type express from 'express';

export interface FakeGlossary {
  id: string;
  name: string;
  sourceLang: string;
  targetLang: string;
  /** Source term → target term. */
  entries: Map<string, string>;
  createdAt: string;
}

/** DeepL's glossary entry formats: one pair per line, tab- or comma-separated. */
export function parseEntries(text: string, format: 'tsv' | 'csv'): Map<string, string> | undefined {
  const entries = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const [source, target, ...rest] = line.split(format === 'tsv' ? '\t' : ',');
    if (!source?.trim() || !target?.trim() || rest.length > 0) return undefined;
    entries.set(source.trim(), target.trim());
  }
  return entries.size > 0 ? entries : undefined;
}

const describe = (glossary: FakeGlossary) => ({
  glossary_id: glossary.id,
  name: glossary.name,
  ready: true,
  source_lang: glossary.sourceLang.toLowerCase(),
  target_lang: glossary.targetLang.toLowerCase(),
  creation_time: glossary.createdAt,
  entry_count: glossary.entries.size,
});

export function glossaryRoutes(app: express.Express, glossaries: Map<string, FakeGlossary>): void {
  app.post('/v2/glossaries', (req, res) => {
    const body = req.body as { name: string; source_lang: string; target_lang: string; entries: string; entries_format: 'tsv' | 'csv' };
    const entries = parseEntries(body.entries, body.entries_format);
    if (!entries) {
      res.status(400).json({ message: 'Invalid glossary entries provided' });
      return;
    }
    const glossary: FakeGlossary = {
      id: randomUUID(),
      name: body.name,
      sourceLang: body.source_lang.toUpperCase(),
      targetLang: body.target_lang.toUpperCase(),
      entries,
      createdAt: new Date().toISOString(),
    };
    glossaries.set(glossary.id, glossary);
    res.status(201).json(describe(glossary));
  });
  app.get('/v2/glossaries', (_req, res) => {
    res.json({ glossaries: [...glossaries.values()].map(describe) });
  });
  const found = (req: express.Request, res: express.Response): FakeGlossary | undefined => {
    const glossary = glossaries.get(String(req.params.id));
    if (!glossary) res.status(404).json({ message: 'Not found' });
    return glossary;
  };
  app.get('/v2/glossaries/:id', (req, res) => {
    const glossary = found(req, res);
    if (glossary) res.json(describe(glossary));
  });
  app.get('/v2/glossaries/:id/entries', (req, res) => {
    const glossary = found(req, res);
    if (glossary) res.type('text/tab-separated-values').send([...glossary.entries].map((pair) => pair.join('\t')).join('\n'));
  });
  app.delete('/v2/glossaries/:id', (req, res) => {
    if (!found(req, res)) return;
    glossaries.delete(String(req.params.id));
    res.status(204).end();
  });
}

/** Replaces each glossary source term in `text` by its target term (longest terms first). */
export function applyGlossary(text: string, glossary: FakeGlossary): string {
  const terms = [...glossary.entries].sort(([a], [b]) => b.length - a.length);
  return terms.reduce((result, [source, target]) => result.split(source).join(target), text);
}
