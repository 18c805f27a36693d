// For reps in an SMS or WhatsApp conversation: the customer's channel, language and opt-out, what
// became of each answer on the phone (queued, delivered, failed and why, sent untranslated), and
// how many SMS segments the answer being written takes. Read from the server every few seconds.
import type { ConversationSummary } from './chat-client.js';
import { smsSegments } from '../../src/contract/sms-segments.js';
import { h, setText } from '../lib/dom.js';
import { getJson } from '../lib/http.js';
import { languageLabel } from '../lib/languages.js';

interface Delivery {
  status: string;
  sentBody: string;
  untranslated: boolean;
  segments: number;
  errorCode: number | null;
  note: string | null;
}

interface PhoneDetails {
  customer: { name: string; channel: string; language: string; optedOut: boolean; note: string | null };
  deliveries: Record<string, Delivery>;
}

const statusWords: Record<string, string> = {
  sending: 'Sending to the phone…', queued: 'On its way to the phone', sent: 'Sent to the phone', delivered: 'Delivered',
  read: 'Read', failed: 'Not delivered', undelivered: 'Not delivered', refused: 'Not sent',
};
const REFRESH_MS = 4_000;

export class PhonePanel {
  readonly element: HTMLDivElement;
  private readonly infoEl: HTMLParagraphElement;
  private readonly segmentsEl: HTMLParagraphElement;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly summary: ConversationSummary, private readonly root: HTMLElement) {
    this.infoEl = h('p', { class: 'text-sm text-slate-800', 'data-part': 'phone-customer' });
    this.segmentsEl = h('p', { class: 'text-xs text-slate-700', 'data-part': 'sms-segments', 'aria-live': 'polite' });
    this.element = h('div', { class: 'rounded-md border border-sky-200 bg-sky-50 p-2', 'data-part': 'phone-panel' }, this.infoEl, this.segmentsEl);
  }

  start(composerBox: HTMLTextAreaElement | null): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    composerBox?.addEventListener('input', () => this.showSegments(composerBox.value));
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Before a long SMS goes out: how many segments (the translation may take a few more or less). */
  private showSegments(text: string): void {
    const { segments } = smsSegments(text);
    const show = this.summary.channel === 'sms' && segments > 1;
    setText(this.segmentsEl, show ? `This answer is about ${segments} SMS segments long.` : '');
  }

  private async refresh(): Promise<void> {
    const details = await getJson<PhoneDetails>(`/api/messaging/conversations/${encodeURIComponent(this.summary.id)}`).catch(() => undefined);
    if (!details) return;
    const { customer } = details;
    const channel = customer.channel === 'whatsapp' ? 'WhatsApp' : 'SMS';
    setText(this.infoEl, `${channel} customer, writes ${languageLabel(customer.language)}.${customer.optedOut ? ` ${customer.note ?? ''}` : ''}`);
    for (const [messageId, delivery] of Object.entries(details.deliveries)) this.showDelivery(messageId, delivery);
  }

  private showDelivery(messageId: string, delivery: Delivery): void {
    const item = this.root.querySelector<HTMLElement>(`li[data-message-id="${CSS.escape(messageId)}"]`);
    if (!item) return;
    let line = item.querySelector<HTMLElement>('[data-part="phone-delivery"]');
    if (!line) {
      line = h('p', { class: 'text-xs', 'data-part': 'phone-delivery' });
      item.append(line);
    }
    const failed = ['failed', 'undelivered', 'refused'].includes(delivery.status);
    line.className = `text-xs ${failed ? 'text-red-700' : 'text-slate-600'}`;
    line.dataset.status = delivery.status;
    const parts = [statusWords[delivery.status] ?? delivery.status, delivery.note, delivery.segments > 1 ? `${delivery.segments} SMS segments` : null];
    setText(line, parts.filter(Boolean).join(' · '));
    line.title = `The phone received: ${delivery.sentBody}`;
  }
}
