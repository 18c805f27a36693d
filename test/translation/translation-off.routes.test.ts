import { describe, expect, it } from 'vitest';
import { createNoTranslator } from '../../src/translation/index.js';
import { useTestDatabase } from '../support/database.js';
import { translationApp, uniqueText } from './translation-app.js';
import { useDeeplServer } from './local-deepl.js';

useTestDatabase('translation_off');

describe('POST /translate: translation off versus an outage', () => {
  const deepl = useDeeplServer();

  it('when no translator is configured, then both shapes say untranslated_reason off', async () => {
    const { post } = await translationApp(deepl, { translator: createNoTranslator() });

    const batch = await post({ texts: ['Hola', 'Gracias'], target_lang: 'EN-US' });
    const single = await post({ text: 'Hola', target_lang: 'EN-US' });

    expect(batch.status).toBe(200);
    expect(batch.body.translations).toEqual([
      { text: 'Hola', detected_source_lang: null, untranslated: true, untranslated_reason: 'off' },
      { text: 'Gracias', detected_source_lang: null, untranslated: true, untranslated_reason: 'off' },
    ]);
    expect(single.body).toEqual({ response_text: 'Hola', untranslated: true, untranslated_reason: 'off' });
  });

  it('when DeepL is configured but failing, then texts are untranslated with no reason: worth asking again', async () => {
    const { post } = await translationApp(deepl);
    deepl.setFault('500');
    const text = uniqueText('Hola');

    const res = await post({ texts: [text], target_lang: 'EN-US' });

    expect(res.body.translations).toEqual([{ text, detected_source_lang: null, untranslated: true }]);
  });
});
