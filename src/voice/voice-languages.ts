import type VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js';
import { normaliseLanguageCode } from '../contract/languages.js';

type SpeechCode = NonNullable<VoiceResponse.GatherAttributes['language']>;
type SayLanguage = NonNullable<VoiceResponse.SayAttributes['language']>;
type SayVoice = NonNullable<VoiceResponse.SayAttributes['voice']>;

/** One language a caller can speak: how DeepL, Twilio's speech recognition and `<Say>` name it. */
export interface VoiceLanguage {
  /** DeepL target code, as everywhere in Parley. */
  deepl: string;
  /** For the English menu text ("For Spanish, press 2"), translated into the language itself. */
  englishName: string;
  /** How a caller says it in the menu (also a speech hint). */
  nativeName: string;
  /** `<Gather language>`: Twilio's speech recognition. */
  speech: SpeechCode;
  /** `<Say language voice>`: Twilio's text to speech (Amazon Polly voices). */
  say: SayLanguage;
  voice: SayVoice;
}

/**
 * The languages Parley can take calls in. Every code here is checked by the compiler against the
 * twilio library's own lists of speech-recognition languages, `<Say>` languages and voices.
 */
export const voiceLanguages: readonly VoiceLanguage[] = [
  { deepl: 'EN-US', englishName: 'English', nativeName: 'English', speech: 'en-US', say: 'en-US', voice: 'Polly.Joanna' },
  { deepl: 'EN-GB', englishName: 'English', nativeName: 'English', speech: 'en-GB', say: 'en-GB', voice: 'Polly.Amy' },
  { deepl: 'ES', englishName: 'Spanish', nativeName: 'Español', speech: 'es-MX', say: 'es-MX', voice: 'Polly.Mia' },
  { deepl: 'FR', englishName: 'French', nativeName: 'Français', speech: 'fr-FR', say: 'fr-FR', voice: 'Polly.Lea' },
  { deepl: 'DE', englishName: 'German', nativeName: 'Deutsch', speech: 'de-DE', say: 'de-DE', voice: 'Polly.Vicki' },
  { deepl: 'IT', englishName: 'Italian', nativeName: 'Italiano', speech: 'it-IT', say: 'it-IT', voice: 'Polly.Bianca' },
  { deepl: 'PT-BR', englishName: 'Portuguese', nativeName: 'Português', speech: 'pt-BR', say: 'pt-BR', voice: 'Polly.Camila' },
  { deepl: 'PT-PT', englishName: 'Portuguese', nativeName: 'Português', speech: 'pt-PT', say: 'pt-PT', voice: 'Polly.Ines' },
  { deepl: 'NL', englishName: 'Dutch', nativeName: 'Nederlands', speech: 'nl-NL', say: 'nl-NL', voice: 'Polly.Lotte' },
  { deepl: 'PL', englishName: 'Polish', nativeName: 'Polski', speech: 'pl-PL', say: 'pl-PL', voice: 'Polly.Ewa' },
  { deepl: 'RU', englishName: 'Russian', nativeName: 'Русский', speech: 'ru-RU', say: 'ru-RU', voice: 'Polly.Tatyana' },
  { deepl: 'TR', englishName: 'Turkish', nativeName: 'Türkçe', speech: 'tr-TR', say: 'tr-TR', voice: 'Polly.Filiz' },
  { deepl: 'JA', englishName: 'Japanese', nativeName: '日本語', speech: 'ja-JP', say: 'ja-JP', voice: 'Polly.Mizuki' },
  { deepl: 'KO', englishName: 'Korean', nativeName: '한국어', speech: 'ko-KR', say: 'ko-KR', voice: 'Polly.Seoyeon' },
  { deepl: 'ZH-HANS', englishName: 'Chinese', nativeName: '中文', speech: 'cmn-Hans-CN', say: 'cmn-CN', voice: 'Polly.Zhiyu' },
  { deepl: 'AR', englishName: 'Arabic', nativeName: 'العربية', speech: 'ar-SA', say: 'arb', voice: 'Polly.Zeina' },
];

const byCode = new Map(voiceLanguages.map((language) => [language.deepl, language]));
/** English prompts are the originals, spoken with this voice when a translation is missing. */
export const ENGLISH: VoiceLanguage = byCode.get('EN-US') as VoiceLanguage;

/** The entry for a DeepL code (`es`, `ES`, `zh` → ZH-HANS, `EN` → EN-US); undefined when calls cannot use it. */
export function voiceLanguage(code: string): VoiceLanguage | undefined {
  const normalised = normaliseLanguageCode(code);
  const aliases: Record<string, string> = { EN: 'EN-US', PT: 'PT-BR', ZH: 'ZH-HANS' };
  return byCode.get(normalised) ?? byCode.get(aliases[normalised] ?? '');
}

/** The configured menu languages, refusing (at start-up) any that calls cannot use. */
export function menuLanguages(codes: readonly string[]): VoiceLanguage[] {
  return codes.map((code) => {
    const found = voiceLanguage(code);
    if (!found) throw new Error(`VOICE_LANGUAGES: ${code} is not a language Parley can take calls in (${voiceLanguages.map((l) => l.deepl).join(', ')}).`);
    return found;
  });
}

/** The menu choice a caller pressed (1…) or said (the language's name in it, or in English). */
export function chosenLanguage(menu: readonly VoiceLanguage[], digits: string | undefined, speech: string | undefined): VoiceLanguage | undefined {
  const pressed = digits ? Number.parseInt(digits, 10) : Number.NaN;
  if (pressed >= 1 && pressed <= menu.length) return menu[pressed - 1];
  const said = (speech ?? '').toLocaleLowerCase();
  if (!said) return undefined;
  return menu.find((language) => said.includes(language.nativeName.toLocaleLowerCase()) || said.includes(language.englishName.toLowerCase()));
}
