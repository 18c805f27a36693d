import { createHmac } from 'node:crypto';

/**
 * Twilio's side of webhooks for the local Twilio server: where the service's post-event webhook
 * points, and sending events there as Twilio does: form-encoded, signed with the account's auth
 * token in `X-Twilio-Signature` over the configured URL, retried by hand with `redeliver`.
 *
 * The signature is computed here from Twilio's published algorithm (HMAC-SHA1 of the URL followed
 * by every parameter name and value, sorted by name; base64), not with the twilio library the app
 * uses to check it, so the two meet only if both follow Twilio's description.
 */
export type WebhookParams = Record<string, string>;

export interface DeliveredWebhook {
  params: WebhookParams;
  status: number;
}

export function twilioSignature(authToken: string, url: string, params: WebhookParams): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, key) => text + key + params[key], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

export class WebhookSender {
  /** What `UpdateServiceWebhookConfiguration` set (twilio:setup). */
  configuration: { preWebhookUrl: string | null; postWebhookUrl: string | null; filters: string[]; method: string } = {
    preWebhookUrl: null,
    postWebhookUrl: null,
    filters: [],
    method: 'POST',
  };
  readonly delivered: DeliveredWebhook[] = [];
  private target: { deliverTo: string; signedUrl: string } | undefined;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly authToken: string) {}

  /** Sends events to `deliverTo` (the app's real address), signed for `signedUrl` (its PUBLIC_URL + path). */
  deliverTo(deliverTo: string, signedUrl: string): void {
    this.target = { deliverTo, signedUrl };
  }

  /** An event happened in Twilio: sent unless no target is set or the filters leave it out. */
  emit(params: WebhookParams): void {
    if (!this.target) return;
    const filters = this.configuration.filters;
    if (filters.length > 0 && !filters.includes(params.EventType ?? '')) return;
    const sending = this.send(params).finally(() => this.pending.delete(sending));
    this.pending.add(sending);
  }

  /** Twilio retrying: the same event again, with its retry count. */
  redeliver(params: WebhookParams, retryCount = 1): Promise<number> {
    return this.post({ ...params, RetryCount: String(retryCount) });
  }

  /** Resolves once every event sent so far has been answered. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Posts any parameters, signed as given (tests of refused signatures pass their own). */
  async post(params: WebhookParams, signature?: string | null): Promise<number> {
    if (!this.target) throw new Error('deliverTo() first');
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'TwilioProxy/1.1' };
    const signed = signature === undefined ? twilioSignature(this.authToken, this.target.signedUrl, params) : signature;
    if (signed !== null) headers['x-twilio-signature'] = signed;
    const response = await fetch(this.target.deliverTo, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
    await response.arrayBuffer();
    return response.status;
  }

  private async send(params: WebhookParams): Promise<void> {
    const status = await this.post({ ...params, RetryCount: '0' }).catch(() => 0);
    this.delivered.push({ params, status });
  }
}
