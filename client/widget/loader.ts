// widget.js: the one script a site adds. It puts one element on the page (a shadow root
// holds the bubble, its styles and, once opened, the iframe with Parley's chat) and touches nothing
// else: no global styles, no listeners on window or document. The chat itself loads only when the
// visitor opens it; it talks to this script over a MessagePort handed to Parley's origin only.
type ToHost = { type: 'ready' } | { type: 'unread'; count: number } | { type: 'close' } | { type: 'active' } | { type: 'keep'; token: string };

const css = `
:host{all:initial}
.bubble{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:#4f46e5;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;z-index:2147483000;padding:0}
.bubble:hover{background:#4338ca}.bubble:focus-visible{outline:3px solid #a5b4fc;outline-offset:2px}
.bubble svg{width:28px;height:28px;fill:currentColor}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;border-radius:10px;background:#be123c;color:#fff;font:600 12px/20px system-ui,sans-serif;text-align:center;padding:0 5px;box-sizing:border-box}
.panel{position:fixed;right:20px;bottom:88px;width:min(380px,calc(100vw - 24px));height:min(600px,calc(100vh - 108px));border-radius:12px;overflow:hidden;box-shadow:0 8px 30px rgba(0,0,0,.3);background:#fff;z-index:2147483000;opacity:0;transform:translateY(12px);visibility:hidden;transition:opacity .18s ease,transform .18s ease,visibility 0s linear .18s}
.panel.open{opacity:1;transform:none;visibility:visible;transition:opacity .18s ease,transform .18s ease}
@media (max-width:480px){.panel{right:12px;bottom:84px}}
@media (prefers-reduced-motion:reduce){.panel,.panel.open{transition:none;transform:none}}
iframe{border:0;width:100%;height:100%;display:block}`;

const icon = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';

function remember(key: string, value?: string): string | null {
  try {
    if (value !== undefined) localStorage.setItem(key, value);
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function styleShadow(root: ShadowRoot): void {
  // A constructed sheet applies inside the shadow root only, and passes a host CSP without 'unsafe-inline'.
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement('style');
    style.textContent = css;
    root.append(style);
  }
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string>): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) created.setAttribute(name, value);
  return created;
}

/** The widget's one element on the page and, inside its shadow root, the bubble and the (empty) panel. */
function buildParts() {
  const container = element('div', { 'data-parley-widget': '' });
  const root = container.attachShadow({ mode: 'open' });
  styleShadow(root);
  const bubble = element('button', { class: 'bubble', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'parley-panel' });
  bubble.innerHTML = icon;
  const badge = element('span', { class: 'badge', 'aria-hidden': 'true' });
  badge.hidden = true;
  bubble.append(badge);
  const panel = element('div', { class: 'panel', id: 'parley-panel', role: 'region', 'aria-label': 'Support chat' });
  root.append(panel, bubble);
  return { container, bubble, badge, panel };
}

interface Options {
  app: string;
  site: string;
  identity?: { id: string; hash?: string };
}

class Widget {
  private readonly parts = buildParts();
  private readonly key: string;
  private open = false;
  private frame: HTMLIFrameElement | undefined;
  private port: MessagePort | undefined;
  // Focus moves into the panel only when the visitor opened it, never when a page load restores it.
  private focusOnReady = false;

  constructor(private readonly options: Options) {
    this.key = `parley-widget:${options.site}`;
    this.parts.bubble.addEventListener('click', () => this.setOpen(!this.open, true));
    this.label(0);
    document.body.append(this.parts.container);
    if (remember(`${this.key}:open`) === '1') this.setOpen(true, false);
    // A visitor with a conversation: the frame loads in the background, so the badge counts answers.
    else if (remember(`${this.key}:active`) === '1') this.ensureFrame();
  }

  private label(unread: number): void {
    this.parts.bubble.setAttribute('aria-label', `${this.open ? 'Close' : 'Open'} support chat${unread ? `, ${unread} unread` : ''}`);
  }

  private onFrame(message: ToHost): void {
    if (message.type === 'ready') {
      this.port?.postMessage({ type: this.open ? 'open' : 'closed', focus: this.focusOnReady });
      this.focusOnReady = false;
    }
    if (message.type === 'close') this.setOpen(false, true);
    if (message.type === 'active') remember(`${this.key}:active`, '1');
    // Only when the browser denies the frame its own storage (third-party storage blocked).
    if (message.type === 'keep' && /^pv_[\w-]{43}$/.test(message.token)) remember(`${this.key}:token`, message.token);
    if (message.type === 'unread') {
      this.parts.badge.hidden = message.count === 0;
      this.parts.badge.textContent = String(message.count);
      this.label(message.count);
    }
  }

  private ensureFrame(): HTMLIFrameElement {
    if (this.frame) return this.frame;
    const { app, site, identity } = this.options;
    const frame = element('iframe', { title: 'Support chat', src: `${app}/widget/frame?site=${encodeURIComponent(site)}` });
    // Every load of the frame (a reload after a language change too) gets a fresh port.
    frame.addEventListener('load', () => {
      const channel = new MessageChannel();
      this.port = channel.port1;
      this.port.onmessage = (event: MessageEvent<ToHost>) => this.onFrame(event.data);
      const connect = { type: 'connect', open: this.open, page: location.href, identity, token: remember(`${this.key}:token`) ?? undefined };
      frame.contentWindow?.postMessage(connect, app, [channel.port2]);
    });
    this.parts.panel.append(frame);
    this.frame = frame;
    return frame;
  }

  private setOpen(open: boolean, moveFocus: boolean): void {
    const { panel, bubble, badge } = this.parts;
    this.open = open;
    panel.classList.toggle('open', open);
    bubble.setAttribute('aria-expanded', String(open));
    this.label(open ? 0 : Number(badge.textContent || 0));
    remember(`${this.key}:open`, open ? '1' : '0');
    const frame = open ? this.ensureFrame() : this.frame;
    this.port?.postMessage({ type: open ? 'open' : 'closed', focus: moveFocus });
    if (!moveFocus) return;
    this.focusOnReady = open && !this.port;
    if (open) frame?.focus();
    else bubble.focus();
  }
}

function start(script: HTMLScriptElement, site: string): void {
  const userId = script.dataset.parleyUserId;
  new Widget({ app: new URL(script.src).origin, site, identity: userId ? { id: userId, hash: script.dataset.parleyUserHash } : undefined });
}

const script = document.currentScript;
if (script instanceof HTMLScriptElement && script.dataset.parleySite) {
  const site = script.dataset.parleySite;
  if (document.body) start(script, site);
  else document.addEventListener('DOMContentLoaded', () => start(script, site), { once: true });
}
