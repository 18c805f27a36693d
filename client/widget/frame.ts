// The chat panel inside the widget's iframe: Parley's own customer chat (ChatView over the
// built-in Socket.IO transport) for a visitor without an account. The host page's scripts cannot
// reach into it (another origin); it talks to the loader only through the port the loader gave it.
import { io } from 'socket.io-client';
import type { ConversationFormality, ConversationSummary, User } from '../../src/contract/chat.js';
import type { Language } from '../../src/contract/languages.js';
import { ChatView } from '../chat/chat-view.js';
import { SocketChatClient, type ChatSocket } from '../chat/socket-chat-client.js';
import { Translations } from '../chat/translations.js';
import { h, setText } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { waitForHost, type HostLink } from './host-link.js';
import { matchLanguage } from './language-match.js';
import { languageSelect, startForm, type StartDetails } from './start-form.js';
import { widgetApi, type WidgetApi } from './widget-api.js';

interface Visitor {
  id: string;
  name: string;
  language: string;
}

interface Frame {
  root: HTMLElement;
  mount: HTMLElement;
  status: HTMLElement;
  siteKey: string;
  siteOrigin: string;
  languages: Language[];
  host: HostLink;
  api: WidgetApi;
  /** Whether the panel is open on the host page (the badge counts only while it is closed). */
  open: boolean;
  /** Focuses what the visitor uses first: the message box, or the start form. */
  focus: () => void;
  /** The visitor opened the panel (or acted in it) before its content was ready: focus it once shown. */
  wantsFocus: boolean;
}

// Where the visitor's token is kept. First choice, the frame's own storage: browsers partition it
// by the top-level site, so it is this site's alone and out of the host page's reach. Browsers
// that deny a third-party frame any storage (third-party cookies blocked, private windows) leave
// the loader's: the host page's storage, handed over the port (see README, "Chat widget").
function ownStorage(): Storage | undefined {
  try {
    localStorage.setItem('parley:probe', '1');
    localStorage.removeItem('parley:probe');
    return localStorage;
  } catch {
    return undefined;
  }
}

function tokenKeeper(siteKey: string, host: HostLink) {
  const storage = ownStorage();
  const key = `parley:${siteKey}:token`;
  return {
    stored: (): string | undefined => storage?.getItem(key) ?? host.connect.token,
    keep: (token: string): void => (storage ? storage.setItem(key, token) : host.send({ type: 'keep', token })),
  };
}

const userOf = (visitor: Visitor): User => ({ id: visitor.id, username: visitor.name, role: 'customer', language: visitor.language });

function languagePicker(frame: Frame, visitor: Visitor): HTMLElement {
  const select = languageSelect('panel-language', frame.languages, visitor.language);
  select.className = 'max-w-[9rem] rounded border border-indigo-300 bg-white px-1 py-0.5 text-sm text-slate-900';
  select.addEventListener('change', () => {
    select.disabled = true;
    frame.api.post('/widget/api/language', { language: select.value }).then(
      () => window.location.replace(addressIn(select.value)),
      () => (select.disabled = false),
    );
  });
  return h('span', { class: 'flex items-center gap-1' }, h('label', { for: 'panel-language', class: 'sr-only' }, t('widget.yourLanguage', 'Your language')), select);
}

// The written catalogs; every other language reads its own (machine-translated) one.
const written = ['en', 'es', 'de', 'fr', 'pt'];
const catalogOf = (code: string): string => {
  const base = code.split('-')[0]?.toLowerCase() ?? '';
  return written.includes(base) ? base : code.toUpperCase();
};
const readsOtherCatalog = (root: HTMLElement, language: string): boolean => catalogOf(root.dataset.uiLanguage ?? 'EN-US') !== catalogOf(language);

/** The panel's address in `language`: the server renders the page in it. */
function addressIn(language: string): string {
  const url = new URL(window.location.href);
  url.searchParams.set('lang', language);
  return url.toString();
}

/** True when the panel is loading again in the visitor's language (never twice: no loop when that catalog is unavailable). */
function reloadsInto(root: HTMLElement, language: string): boolean {
  if (!readsOtherCatalog(root, language) || new URL(window.location.href).searchParams.get('lang') === language) return false;
  window.location.replace(addressIn(language));
  return true;
}

function connectSocket(frame: Frame, visitor: Visitor): SocketChatClient {
  const auth = { widgetToken: frame.api.token ?? '', site: frame.siteKey, host: frame.siteOrigin };
  return new SocketChatClient(io({ auth, withCredentials: false }) as ChatSocket, { viewerId: visitor.id });
}

/** Messages from the team while the panel is closed are counted on the bubble. */
function countUnread(frame: Frame, client: SocketChatClient, visitor: Visitor): void {
  let unread = 0;
  client.on('message', (message) => {
    if (frame.open || message.authorId === visitor.id) return;
    unread += 1;
    frame.host.send({ type: 'unread', count: unread });
  });
  frame.host.onMessage((message) => {
    if (message.type !== 'open' || unread === 0) return;
    unread = 0;
    frame.host.send({ type: 'unread', count: 0 });
  });
}

async function showChat(frame: Frame, conversation: ConversationSummary, visitor: Visitor): Promise<void> {
  const client = connectSocket(frame, visitor);
  let formality: ConversationFormality = conversation.formality ?? 'default';
  const view = new ChatView({
    client,
    me: userOf(visitor),
    conversationId: conversation.id,
    translations: new Translations(visitor.language, (body) => frame.api.post('/widget/api/translate', body), () => formality),
    closedActions: () => startAgainButton(frame, visitor),
    onSummary: (summary) => (formality = summary.formality ?? formality),
  });
  frame.root.querySelector('[data-part="header-actions"]')?.prepend(languagePicker(frame, visitor));
  frame.mount.replaceChildren(view.element);
  frame.focus = () => view.focusComposer();
  countUnread(frame, client, visitor);
  frame.host.send({ type: 'active' });
  window.addEventListener('pagehide', () => void client.close());
  await view.start();
  if (frame.wantsFocus) frame.focus();
}

function startAgainButton(frame: Frame, visitor: Visitor): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'mt-2 rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700' }, t('startNew', 'Start a new conversation'));
  button.addEventListener('click', () => void start(frame, { name: '', email: '', language: visitor.language }).catch(() => undefined));
  return button;
}

async function start(frame: Frame, details: StartDetails): Promise<void> {
  const { visitor, conversation } = await frame.api.post<{ visitor: Visitor; conversation: ConversationSummary }>(
    '/widget/api/conversation', { ...details, pageUrl: frame.host.connect.page },
  );
  // Picked another language than the browser's on the start form: the panel follows it.
  if (reloadsInto(frame.root, visitor.language)) return;
  frame.root.querySelector('[data-part="header-actions"] span')?.remove();
  frame.wantsFocus = true;
  await showChat(frame, conversation, visitor);
}

function showStart(frame: Frame, visitor: Visitor): void {
  const form = startForm(frame.languages, visitor.language, (details) => start(frame, details));
  frame.mount.replaceChildren(form);
  frame.focus = () => form.querySelector<HTMLElement>('select, input')?.focus();
  if (frame.wantsFocus) frame.focus();
}

function closeButton(host: HostLink): HTMLButtonElement {
  const button = h('button', { type: 'button', 'aria-label': t('widget.closeChat', 'Close chat'), class: 'rounded px-2 py-0.5 text-lg leading-none hover:bg-indigo-700 focus:outline-none focus:ring-2 focus:ring-white' }, '×');
  button.addEventListener('click', () => host.send({ type: 'close' }));
  return button;
}

/** Follows the panel on the host page: open focuses the chat; Escape anywhere in the panel closes it. */
function followHost(frame: Frame): void {
  frame.host.onMessage((message) => {
    if (message.type === 'open' || message.type === 'closed') frame.open = message.type === 'open';
    if (message.type !== 'open' || !message.focus) return;
    frame.wantsFocus = true;
    frame.focus();
  });
  document.addEventListener('keydown', (event) => event.key === 'Escape' && frame.host.send({ type: 'close' }));
  frame.root.querySelector('[data-part="header-actions"]')?.append(closeButton(frame.host));
}

async function main(root: HTMLElement): Promise<void> {
  const siteKey = root.dataset.siteKey ?? '';
  const siteOrigin = root.dataset.siteOrigin ?? '';
  const host = await waitForHost(siteOrigin);
  const mount = root.querySelector<HTMLElement>('[data-widget-mount]') ?? root;
  const status = root.querySelector<HTMLElement>('[data-part="widget-status"]') ?? mount;
  const languages = JSON.parse(root.dataset.languages ?? '[]') as Language[];
  const frame: Frame = { root, mount, status, siteKey, siteOrigin, languages, host, api: widgetApi(siteKey, siteOrigin), open: host.connect.open, focus: () => undefined, wantsFocus: false };
  followHost(frame);
  const tokens = tokenKeeper(siteKey, host);
  try {
    const session = await frame.api.post<{ token: string; visitor: Visitor; conversation: ConversationSummary | null }>('/widget/api/session', {
      token: tokens.stored(), language: matchLanguage(navigator.languages, languages), identity: host.connect.identity,
    });
    tokens.keep(session.token);
    frame.api.token = session.token;
    // The visitor chose another language earlier (on another page of the site): the panel reads it.
    if (reloadsInto(root, session.visitor.language)) return;
    host.send({ type: 'ready' });
    if (session.conversation) await showChat(frame, session.conversation, session.visitor);
    else showStart(frame, session.visitor);
  } catch (error) {
    setText(status, error instanceof Error ? error.message : t('widget.loadFailed', 'The chat could not be loaded.'));
    host.send({ type: 'ready' });
  }
}

const root = document.getElementById('widget');
if (root) void main(root);
