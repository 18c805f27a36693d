import twilio from 'twilio';
import type { TwilioConfig } from '../config.js';

type RequestOptions<TData> = Parameters<twilio.RequestClient['request']>[0] & { data?: TData };

/**
 * The twilio package's own HTTP client, sending every request to `baseUrl` instead of
 * `https://<product>.twilio.com` (the `httpClient` option is twilio-node's extension point for
 * proxies). Used for local spec-validating test servers and API gateways.
 */
class BaseUrlRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: URL) {
    super({ timeout: 10_000, keepAlive: false });
  }

  override request<TData>(opts: RequestOptions<TData>) {
    const target = new URL(opts.uri);
    return super.request<TData>({ ...opts, uri: new URL(target.pathname + target.search, this.baseUrl).href });
  }
}

export type TwilioRestClient = twilio.Twilio;

/** The REST client, authenticated with an API key (never the account's auth token). */
export function createTwilioRestClient(config: TwilioConfig): TwilioRestClient {
  return twilio(config.apiKeySid, config.apiKeySecret, {
    accountSid: config.accountSid,
    httpClient: config.apiBaseUrl ? new BaseUrlRequestClient(new URL(config.apiBaseUrl)) : undefined,
    timeout: 10_000,
  });
}

export function isTwilioError(error: unknown, ...codes: number[]): error is twilio.RestException {
  return error instanceof twilio.RestException && error.code !== undefined && codes.includes(error.code);
}

export function twilioStatus(error: unknown): number | undefined {
  return error instanceof twilio.RestException ? error.status : undefined;
}

/** The Conversations service every conversation and token uses: configured, else the account's default. */
export function serviceSidResolver(client: TwilioRestClient, configured: string | undefined): () => Promise<string> {
  let pending: Promise<string> | undefined = configured ? Promise.resolve(configured) : undefined;
  return () => {
    pending ??= client.conversations.v1
      .configuration()
      .fetch()
      .then((configuration) => configuration.defaultChatServiceSid)
      .catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
    return pending;
  };
}
