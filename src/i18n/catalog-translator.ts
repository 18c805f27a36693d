/**
 * The slice of the translation feature the machine-translated catalogs use (structurally its
 * TranslationService.translate): one XML text into a target language, or marked untranslated.
 * Declared here so the interface texts, which every page needs, do not import the translation feature.
 */
export interface CatalogTranslator {
  translate(
    texts: readonly string[],
    target: string,
    source: string,
    options: { xml: { ignoreTags: readonly string[]; splittingTags: readonly string[] } },
  ): Promise<{ translations: readonly { text: string; untranslated?: boolean }[] }>;
}
