import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../lib/paths.js';

/** A message catalog as written in locales/*.json: nested groups of ICU messages. */
export interface Catalog {
  [key: string]: string | Catalog;
}

/** The same catalog with dotted keys (`chat.send`), as i18next looks them up. */
export type FlatCatalog = Readonly<Record<string, string>>;

/** The catalogs people wrote; every other DeepL language reads English machine-translated. */
export const writtenLanguages = ['en', 'es', 'de', 'fr', 'pt'] as const;
export type WrittenLanguage = (typeof writtenLanguages)[number];

export const localesDir = join(projectRoot, 'locales');

export function isWrittenLanguage(code: string): code is WrittenLanguage {
  return (writtenLanguages as readonly string[]).includes(code);
}

const loaded = new Map<string, Catalog>();

/** A written catalog, read once per process (every app a test composes shares it). */
export function loadCatalog(language: WrittenLanguage, dir = localesDir): Catalog {
  const file = join(dir, `${language}.json`);
  let catalog = loaded.get(file);
  if (!catalog) loaded.set(file, (catalog = JSON.parse(readFileSync(file, 'utf8')) as Catalog));
  return catalog;
}

export function flatten(catalog: Catalog, prefix = ''): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(catalog)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (typeof value === 'string') flat[key] = value;
    else Object.assign(flat, flatten(value, key));
  }
  return flat;
}

export function unflatten(flat: FlatCatalog): Catalog {
  const catalog: Catalog = {};
  for (const [key, value] of Object.entries(flat)) {
    const path = key.split('.');
    const last = path.pop() ?? key;
    let group = catalog;
    for (const name of path) {
      const next = group[name];
      group = typeof next === 'object' ? next : (group[name] = {});
    }
    group[last] = value;
  }
  return catalog;
}

/** The keys whose messages the browser needs (`client.*`), without their group prefix. */
export function clientSubset(flat: FlatCatalog): Record<string, string> {
  return Object.fromEntries(Object.entries(flat).flatMap(([key, value]) => (key.startsWith('client.') ? [[key.slice(7), value]] : [])));
}
