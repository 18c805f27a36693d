/**
 * People using a running instance the way the chat page does: logged in through the real form,
 * talking over the project's own SocketChatClient (socket.io-client in Node, which reconnects and
 * resends by itself), and asking POST /translate for what they read.
 */
import { io, type ManagerOptions, type SocketOptions } from 'socket.io-client';
import { SocketChatClient, type ChatSocket } from '../../client/chat/socket-chat-client.js';
import { Translations, type PostBatch, type Translatable, type Translation } from '../../client/chat/translations.js';
import type { ChatMessage, Role } from '../../src/contract/chat.js';
import { extractCsrfToken, type TestAccount } from './auth.js';

export interface SignedIn {
  role: Role;
  account: TestAccount;
  /** The session cookie header value; valid on every instance sharing the database. */
  cookie: string;
  csrf: string;
}

/** Logs in through the real login form (CSRF included), over HTTP like a browser. */
export async function signIn(target: { url: string }, role: Role, account: TestAccount): Promise<SignedIn> {
  const loginPath = `${target.url}/auth/${role}/login`;
  const form = await fetch(loginPath);
  const login = await fetch(loginPath, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookiesOf(form), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: account.username, password: account.password, _csrf: extractCsrfToken(await form.text()) }).toString(),
  });
  const cookie = cookiesOf(login);
  if (login.status !== 303 || !cookie) throw new Error(`Login as ${account.username} answered ${login.status}`);
  return { role, account, cookie, csrf: await pageCsrfToken(target.url, cookie) };
}

/** The session's CSRF token, as a page the user opens shows it. */
export async function pageCsrfToken(url: string, cookie: string): Promise<string> {
  const page = await fetch(`${url}/`, { headers: { cookie, accept: 'text/html' } });
  return extractCsrfToken(await page.text());
}

/** The Cookie header a browser would send back after this response. */
export function cookiesOf(res: Response): string {
  return res.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
}

/** The customer presses "Start a conversation"; answers the conversation id. */
export async function startConversation(url: string, customer: SignedIn): Promise<string> {
  const res = await fetch(`${url}/conversations`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: customer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: customer.csrf }).toString(),
  });
  const id = res.headers.get('location')?.split('/').pop();
  if (res.status !== 303 || !id) throw new Error(`POST /conversations answered ${res.status}: ${(await res.text()).replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 300)}`);
  return id;
}

export interface ChatConnection {
  chat: SocketChatClient;
  socket: ChatSocket;
  /** Every message:new this user has seen, in arrival order (duplicates kept, to count them). */
  received: ChatMessage[];
}

/** The chat page's connection: reconnects by itself, quickly (tests need not wait seconds). */
export function connectChat(url: string, user: SignedIn, options: Partial<ManagerOptions & SocketOptions> = {}): ChatConnection {
  const socket: ChatSocket = io(url, {
    transports: ['websocket'],
    extraHeaders: { cookie: user.cookie },
    forceNew: true,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    ...options,
  });
  const chat = new SocketChatClient(socket, { viewerId: user.account.user.id });
  const received: ChatMessage[] = [];
  chat.on('message', (message) => received.push(message));
  return { chat, socket, received };
}

export function waitForConnection(connection: ChatConnection, timeoutMs = 10_000): Promise<void> {
  if (connection.socket.connected) return Promise.resolve();
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error('socket did not connect')), timeoutMs);
    const stop = connection.chat.on('connection', (state) => {
      if (state !== 'connected') return;
      clearTimeout(timer);
      stop();
      done();
    });
  });
}

/** What the page does for messages it shows: one POST /translate batch into the reader's language. */
export function pageTranslations(url: string, reader: SignedIn, readerLanguage: string): Translations {
  return new Translations(readerLanguage, async (body) => {
    const res = await fetch(`${url}/translate`, {
      method: 'POST',
      headers: { cookie: reader.cookie, 'x-csrf-token': reader.csrf, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`POST /translate answered ${res.status}`);
    return (await res.json()) as Awaited<ReturnType<PostBatch>>;
  });
}

export function translatable(message: ChatMessage): Translatable {
  return { key: message.id, text: message.body, language: message.language };
}

export type { Translation };

/** A clientId as the page makes one (client/lib/ids.ts): random, URL-safe. */
export function newClientId(label = 'm'): string {
  return `${label}-${crypto.randomUUID()}`;
}

export interface OpenChat {
  conversationId: string;
  customerSession: SignedIn;
  repSession: SignedIn;
  customer: ChatConnection;
  rep: ChatConnection;
}

/** A customer and a rep signed in, connected and both joined to the customer's new conversation. */
export async function openChat(target: { url: string }, accounts: { customer: TestAccount; rep: TestAccount }): Promise<OpenChat> {
  const [customerSession, repSession] = await Promise.all([
    signIn(target, 'customer', accounts.customer),
    signIn(target, 'rep', accounts.rep),
  ]);
  const conversationId = await startConversation(target.url, customerSession);
  const customer = connectChat(target.url, customerSession);
  const rep = connectChat(target.url, repSession);
  await Promise.all([waitForConnection(customer), waitForConnection(rep)]);
  await Promise.all([customer.chat.join(conversationId), rep.chat.join(conversationId)]);
  return { conversationId, customerSession, repSession, customer, rep };
}
