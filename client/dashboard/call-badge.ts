// A phone conversation's call on its dashboard row: "Live call 2:13" (counting while live), then
// "Call ended 1:13"; hidden for other conversations.
import type { ConversationSummary } from '../chat/chat-client.js';
import { h, setText } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

type Call = NonNullable<ConversationSummary['call']>;

export function callDuration(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const minutes = Math.floor(whole / 60);
  return `${minutes}:${String(whole % 60).padStart(2, '0')}`;
}

export class CallBadge {
  readonly element: HTMLSpanElement = h('span', { class: 'rounded px-1.5 text-xs font-medium', 'data-part': 'call', hidden: '' });
  private timer: number | undefined;
  private call: Call | null | undefined;
  private wasOnPage = false;

  show(call: Call | null | undefined): void {
    this.call = call;
    this.element.hidden = !call;
    const live = call?.state === 'live';
    this.element.className = `rounded px-1.5 text-xs font-medium ${live ? 'bg-rose-100 text-rose-900' : 'bg-slate-200 text-slate-700'}`;
    if (live && this.timer === undefined) this.timer = window.setInterval(() => this.render(), 1_000);
    if (!live) this.stop();
    this.render();
  }

  private render(): void {
    const call = this.call;
    if (!call) return;
    // A row taken off the page stops counting.
    if (this.element.isConnected) this.wasOnPage = true;
    else if (this.wasOnPage) return this.stop();
    if (call.state === 'live') return setText(this.element, t('rep.liveCall', 'Live call {duration}', { duration: callDuration((Date.now() - Date.parse(call.startedAt)) / 1_000) }));
    setText(this.element, call.durationSeconds === null ? t('rep.callEnded', 'Call ended') : t('rep.callEndedAfter', 'Call ended {duration}', { duration: callDuration(call.durationSeconds) }));
  }

  private stop(): void {
    if (this.timer !== undefined) window.clearInterval(this.timer);
    this.timer = undefined;
  }
}
