import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';

const emptyAsUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const optionalUrl = z.preprocess(emptyAsUndefined, z.url().optional());

const booleanFlag = z.preprocess(
  emptyAsUndefined,
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((value) => value === 'true' || value === '1' || value === 'yes'),
);

const positiveInt = (fallback: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().default(fallback));

const environmentSchema = z
  .object({
    NODE_ENV: z.preprocess(
      emptyAsUndefined,
      z.enum(['development', 'production', 'test']).default('development'),
    ),
    PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
    HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
    LOG_LEVEL: z.preprocess(
      emptyAsUndefined,
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ),
    DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('./data')),
    MONGODB_URI: optionalString.pipe(
      z
        .string()
        .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
        .optional(),
    ),
    SESSION_SECRET: optionalString.pipe(
      z.string().min(32, 'must be at least 32 characters').optional(),
    ),
    SESSION_MAX_AGE_HOURS: positiveInt(12),
    SESSION_ABSOLUTE_HOURS: positiveInt(168),
    AUTH_CACHE_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(60_000).default(2_000)),
    TRUST_PROXY: booleanFlag,
    BCRYPT_COST: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(4).max(15).default(12)),
    LOGIN_FAILURES_PER_ADDRESS: positiveInt(100),
    SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
    // Milliseconds a chat message that finds the database idle waits for others to share its write.
    MESSAGE_WRITE_WINDOW_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(50).default(5)),
    TWILIO_ACCOUNT_SID: optionalString,
    TWILIO_API_KEY_SID: optionalString,
    TWILIO_API_KEY_SECRET: optionalString,
    TWILIO_AUTH_TOKEN: optionalString,
    TWILIO_CONVERSATIONS_SERVICE_SID: optionalString,
    TWILIO_API_BASE_URL: optionalUrl,
    TWILIO_TOKEN_TTL_SECONDS: positiveInt(3600),
    DEEPL_AUTH_KEY: optionalString,
    DEEPL_SERVER_URL: optionalUrl,
    DEEPL_TIMEOUT_MS: positiveInt(2500),
    TRANSLATE_REQUESTS_PER_MINUTE: positiveInt(120),
    TRANSLATE_CHARACTERS_PER_MINUTE: positiveInt(200_000),
    // `DE=prefer_more,FR=prefer_more`: the register customers read in, per target language.
    TRANSLATION_FORMALITY: z
      .string()
      .default('')
      .transform((text) => text.split(',').map((item) => item.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[A-Za-z]{2}(-[A-Za-z0-9]{2,4})?=prefer_(more|less)$/, 'use LANG=prefer_more or LANG=prefer_less, comma-separated'))),
    // Characters a month Parley may have DeepL translate; unset = no budget (nothing is refused).
    TRANSLATION_MONTHLY_CHARACTERS: z.preprocess(emptyAsUndefined, z.coerce.number().int().positive().optional()),
    REDIS_URL: optionalUrl,
    PUBLIC_URL: optionalUrl,
    MESSAGE_TRANSPORT: z.preprocess(emptyAsUndefined, z.enum(['auto', 'builtin']).default('auto')),
    TWILIO_MESSAGING: booleanFlag,
    TWILIO_MESSAGING_SERVICE_SID: optionalString.pipe(z.string().regex(/^MG[0-9a-fA-F]{32}$/, 'must be a Messaging Service SID (MG…)').optional()),
    CHANNEL_DEFAULT_LANGUAGE: z.preprocess(emptyAsUndefined, z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,4})?$/).default('EN-US')),
    CHANNEL_LANGUAGE_VARIANTS: z.preprocess(emptyAsUndefined, z.string().regex(/^([A-Za-z]{2,3}:[A-Za-z]{2,3}(-[A-Za-z0-9]{2,4})?)(,[A-Za-z]{2,3}:[A-Za-z]{2,3}(-[A-Za-z0-9]{2,4})?)*$/, 'must look like EN:EN-US,PT:PT-BR').default('EN:EN-US,PT:PT-BR,ZH:ZH-HANS')),
    TWILIO_VOICE: booleanFlag,
    VOICE_LANGUAGES: z.preprocess(emptyAsUndefined, z.string().regex(/^[A-Za-z]{2}(-[A-Za-z]{2,4})?(,[A-Za-z]{2}(-[A-Za-z]{2,4})?)*$/, 'must look like EN-US,ES,FR').default('EN-US,ES,FR,DE,ZH-HANS,AR')),
    VOICE_MAX_WAIT_SECONDS: positiveInt(90),
    VOICE_LOW_CONFIDENCE: z.preprocess(emptyAsUndefined, z.coerce.number().min(0).max(1).default(0.5)),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.SESSION_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_SECRET'],
        message: 'is required when NODE_ENV=production',
      });
    }
    const twilio = [env.TWILIO_ACCOUNT_SID, env.TWILIO_API_KEY_SID, env.TWILIO_API_KEY_SECRET];
    const twilioSet = twilio.filter(Boolean).length;
    if (twilioSet > 0 && twilioSet < twilio.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['TWILIO_ACCOUNT_SID'],
        message: 'TWILIO_ACCOUNT_SID, TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET go together',
      });
    }
    // Browser messages reach the server only through Twilio's signed webhooks.
    if (twilioSet === twilio.length || env.TWILIO_MESSAGING || env.TWILIO_VOICE) {
      for (const name of ['TWILIO_AUTH_TOKEN', 'PUBLIC_URL'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required with the Twilio transport (webhooks are signed with it)' });
      }
    }
    if (env.TWILIO_MESSAGING && twilioSet < twilio.length) {
      ctx.addIssue({ code: 'custom', path: ['TWILIO_MESSAGING'], message: 'needs TWILIO_ACCOUNT_SID, TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET' });
    }
    if (env.TWILIO_VOICE && twilioSet < twilio.length) {
      ctx.addIssue({ code: 'custom', path: ['TWILIO_VOICE'], message: 'needs TWILIO_ACCOUNT_SID, TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET' });
    }
  });

export interface TwilioConfig {
  accountSid: string;
  apiKeySid: string;
  apiKeySecret: string;
  conversationsServiceSid: string | undefined;
  apiBaseUrl: string | undefined;
  tokenTtlSeconds: number;
  /** The account's auth token: Twilio signs webhooks with it (never sent anywhere). */
  authToken: string;
  /** The address Twilio calls for webhooks (PUBLIC_URL), signatures are checked against it. */
  publicUrl: string;
}

/** SMS and WhatsApp customers over Twilio Programmable Messaging (TWILIO_MESSAGING=true). */
export interface MessagingConfig {
  /** The Twilio account (the same TWILIO_* settings as the Conversations transport). */
  account: TwilioConfig;
  /** Sends from this Messaging Service; otherwise from the number the customer wrote to. */
  messagingServiceSid: string | undefined;
  /** A customer's language until their messages tell (too short to detect, or no translator). */
  defaultLanguage: string;
  /** What a detected base language becomes as a DeepL target: `EN` → `EN-US`. */
  languageVariants: Record<string, string>;
}

/** Phone callers over Twilio Programmable Voice (TWILIO_VOICE=true). */
export interface VoiceConfig {
  account: TwilioConfig;
  /** DeepL codes offered in the call's language menu, in menu order (each must be in src/voice/voice-languages.ts). */
  languages: string[];
  /** How long a caller waits for a rep's answer before being offered to leave a message. */
  maxWaitSeconds: number;
  /** Speech recognised below this confidence (0–1) is marked for the rep. */
  lowConfidence: number;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  host: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  dataDir: string;
  mongodbUri: string | undefined;
  /**
   * cacheMs: how long a process reuses a session or account it read. Logout and admin changes
   * made through the same process apply at once; made elsewhere, within cacheMs. 0 = no cache.
   * maxAgeMs is the idle lifetime (each request extends it); absoluteMs ends a login however busy.
   */
  session: { secret: string | undefined; maxAgeMs: number; absoluteMs: number; secureCookie: boolean; cacheMs: number };
  trustProxy: boolean;
  bcryptCost: number;
  /** Failed logins one client address may make in 15 minutes, whatever the usernames (an office behind NAT is one address). */
  loginFailuresPerAddress: number;
  shutdownTimeoutMs: number;
  /** How long a chat message that finds the database idle waits for others to share its write (group commit). */
  messageWriteWindowMs: number;
  twilio: TwilioConfig | undefined;
  deepl: { authKey: string | undefined; serverUrl: string | undefined; timeoutMs: number };
  /** Per-user limits on POST /translate (characters count only what goes to DeepL). */
  translationLimits: { requestsPerMinute: number; charactersPerMinute: number };
  /** Default register per target language (base code, `DE`) for what customers read (TRANSLATION_FORMALITY). */
  translationFormality: Record<string, 'prefer_more' | 'prefer_less'>;
  /** TRANSLATION_MONTHLY_CHARACTERS: admins are warned at 80 %; at 100 % previews stop, messages do not. */
  translationMonthlyCharacters: number | undefined;
  redisUrl: string | undefined;
  /** Where the public reaches this app (PUBLIC_URL, no trailing slash), e.g. behind a proxy. */
  publicUrl: string | undefined;
  messaging: MessagingConfig | undefined;
  voice: VoiceConfig | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The process environment over the `.env` file of the working directory, when there is one:
 * a variable really set in the environment wins over the file, as with `node --env-file`.
 */
export function readEnvironment(options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): NodeJS.ProcessEnv {
  const env = options.env ?? process.env;
  const file = join(options.cwd ?? process.cwd(), '.env');
  if (!existsSync(file)) return env;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`${file}: cannot be read (${error instanceof Error ? error.message : String(error)})`]);
  }
  return { ...parseEnv(text), ...env };
}

/** Parses the environment once; everything else receives the frozen result. */
export function loadConfig(environment: NodeJS.ProcessEnv = readEnvironment()): Readonly<Config> {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
    );
  }
  const env = parsed.data;
  const twilioAccount: TwilioConfig | undefined =
    env.TWILIO_ACCOUNT_SID && env.TWILIO_API_KEY_SID && env.TWILIO_API_KEY_SECRET
      ? {
          accountSid: env.TWILIO_ACCOUNT_SID,
          apiKeySid: env.TWILIO_API_KEY_SID,
          apiKeySecret: env.TWILIO_API_KEY_SECRET,
          conversationsServiceSid: env.TWILIO_CONVERSATIONS_SERVICE_SID,
          apiBaseUrl: env.TWILIO_API_BASE_URL,
          tokenTtlSeconds: env.TWILIO_TOKEN_TTL_SECONDS,
          authToken: env.TWILIO_AUTH_TOKEN ?? '',
          publicUrl: (env.PUBLIC_URL ?? '').replace(/\/+$/, ''),
        }
      : undefined;
  // MESSAGE_TRANSPORT=builtin keeps Twilio's account for SMS/WhatsApp only, chat stays built-in.
  const twilio = env.MESSAGE_TRANSPORT === 'builtin' ? undefined : twilioAccount;
  return deepFreeze({
    env: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    dataDir: env.DATA_DIR,
    mongodbUri: env.MONGODB_URI,
    session: {
      secret: env.SESSION_SECRET,
      maxAgeMs: env.SESSION_MAX_AGE_HOURS * 3_600_000,
      absoluteMs: env.SESSION_ABSOLUTE_HOURS * 3_600_000,
      secureCookie: env.TRUST_PROXY,
      cacheMs: env.AUTH_CACHE_MS,
    },
    trustProxy: env.TRUST_PROXY,
    bcryptCost: env.BCRYPT_COST,
    loginFailuresPerAddress: env.LOGIN_FAILURES_PER_ADDRESS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    messageWriteWindowMs: env.MESSAGE_WRITE_WINDOW_MS,
    twilio,
    deepl: {
      authKey: env.DEEPL_AUTH_KEY,
      serverUrl: env.DEEPL_SERVER_URL,
      timeoutMs: env.DEEPL_TIMEOUT_MS,
    },
    translationLimits: {
      requestsPerMinute: env.TRANSLATE_REQUESTS_PER_MINUTE,
      charactersPerMinute: env.TRANSLATE_CHARACTERS_PER_MINUTE,
    },
    translationFormality: formalityDefaults(env.TRANSLATION_FORMALITY),
    translationMonthlyCharacters: env.TRANSLATION_MONTHLY_CHARACTERS,
    redisUrl: env.REDIS_URL,
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, ''),
    messaging: env.TWILIO_MESSAGING && twilioAccount ? messagingConfig(twilioAccount, env) : undefined,
    voice: env.TWILIO_VOICE && twilioAccount ? voiceConfig(twilioAccount, env) : undefined,
  });
}

function formalityDefaults(items: readonly string[]): Config['translationFormality'] {
  const defaults: Config['translationFormality'] = {};
  for (const item of items) {
    const [language = '', register] = item.split('=');
    defaults[language.split('-')[0]?.toUpperCase() ?? ''] = register === 'prefer_less' ? 'prefer_less' : 'prefer_more';
  }
  return defaults;
}

function messagingConfig(account: TwilioConfig, env: z.infer<typeof environmentSchema>): MessagingConfig {
  const variants = Object.fromEntries(
    env.CHANNEL_LANGUAGE_VARIANTS.split(',').map((pair) => pair.split(':').map((code) => code.trim().toUpperCase()) as [string, string]),
  );
  return {
    account,
    messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID,
    defaultLanguage: env.CHANNEL_DEFAULT_LANGUAGE.toUpperCase(),
    languageVariants: variants,
  };
}

function voiceConfig(account: TwilioConfig, env: z.infer<typeof environmentSchema>): VoiceConfig {
  const languages = [...new Set(env.VOICE_LANGUAGES.split(',').map((code) => code.trim().toUpperCase()))];
  return { account, languages, maxWaitSeconds: env.VOICE_MAX_WAIT_SECONDS, lowConfidence: env.VOICE_LOW_CONFIDENCE };
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child && typeof child === 'object') deepFreeze(child as object);
  }
  return Object.freeze(value);
}
