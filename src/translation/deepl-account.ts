import * as deepl from 'deepl-node';
import type { Config } from '../config.js';
import { baseLanguage } from '../contract/languages.js';
import { placeholderDeeplAuthKey } from './translator.js';

/** What admins do on the DeepL account itself: glossaries and the account's own usage figure. */
export interface DeeplAccount {
  /** Creates a glossary for a base-language pair; answers its DeepL id. */
  createGlossary(name: string, source: string, target: string, entries: Readonly<Record<string, string>>): Promise<string>;
  deleteGlossary(id: string): Promise<void>;
  /** DeepL's `/v2/usage`: characters this billing period, and the account's limit when it has one. */
  usage(): Promise<{ characters: number; limit: number | undefined }>;
}

/** The account through `deepl-node`; undefined when no DeepL is configured. */
export function createDeeplAccount(settings: Config['deepl']): DeeplAccount | undefined {
  if (!settings.authKey && !settings.serverUrl) return undefined;
  const client = new deepl.Translator(settings.authKey ?? placeholderDeeplAuthKey, {
    serverUrl: settings.serverUrl,
    maxRetries: 1,
    appInfo: { appName: 'parley-admin', appVersion: '0.1.0' },
  });
  const code = (language: string) => baseLanguage(language).toLowerCase() as deepl.LanguageCode;
  return {
    async createGlossary(name, source, target, entries) {
      const info = await client.createGlossary(name, code(source), code(target), new deepl.GlossaryEntries({ entries: { ...entries } }));
      return info.glossaryId;
    },
    async deleteGlossary(id) {
      await client.deleteGlossary(id);
    },
    async usage() {
      const { character } = await client.getUsage();
      return { characters: character?.count ?? 0, limit: character?.limit };
    },
  };
}
