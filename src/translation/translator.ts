/** A local DeepL-compatible server needs some key in the header; it is not a secret. */
export const placeholderDeeplAuthKey = 'local-deepl-server';

/** One text as the translator returns it, in the order it was given. */
export interface TranslatedText {
  text: string;
  /** DeepL's upper-case code of the language it read (`ES`), when it said. */
  detectedSourceLang: string | undefined;
  /** True when `text` is the original because no translation could be made. */
  untranslated?: boolean;
}

/** DeepL's register values; `prefer_*` never fails for a language without formality. */
export type Formality = 'prefer_more' | 'prefer_less';

/** What changes how a call is made, beyond text and languages. */
export interface TranslateOptions {
  /** Preceding messages: steers the translation, is not translated, and DeepL does not bill it. */
  context?: string;
  formality?: Formality;
  /** A DeepL glossary for exactly this source → target pair (DeepL needs `source` with it). */
  glossaryId?: string;
  /** The text is XML: DeepL keeps the tags, translates none of the text in `ignoreTags`, and splits sentences at `splittingTags`. */
  xml?: XmlHandling;
}

export interface XmlHandling {
  ignoreTags: readonly string[];
  splittingTags: readonly string[];
}

/**
 * What the translation service needs from a machine-translation provider. Implementations may
 * throw on any upstream failure; the service turns failures into untranslated originals.
 */
export interface Translator {
  /** Human-readable name for logs (`deepl`, `none`). */
  readonly name: string;
  /** False when nothing is configured: results are originals marked untranslated. */
  readonly available: boolean;
  translate(texts: readonly string[], target: string, source?: string, options?: TranslateOptions): Promise<TranslatedText[]>;
  targetLanguages(): Promise<{ code: string; name: string }[]>;
}

/** Used when neither a DeepL key nor a DeepL-compatible server is configured: translation off. */
export function createNoTranslator(): Translator {
  return {
    name: 'none',
    available: false,
    translate: async (texts) =>
      texts.map((text) => ({ text, detectedSourceLang: undefined, untranslated: true })),
    targetLanguages: async () => {
      throw new Error('No translator is configured.');
    },
  };
}
