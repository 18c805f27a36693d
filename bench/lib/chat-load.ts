/**
 * Simulated people for the chat benchmark: customers and reps logged in through the real form,
 * connected with the project's SocketChatClient, each translating what they receive through
 * POST /translate as the chat page does. Every message is counted on both ends.
 */
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { SocketChatClient, type ChatSocket } from '../../client/chat/socket-chat-client.js';
import type { Translations } from '../../client/chat/translations.js';
import { createUserService } from '../../src/auth/index.js';
import type { ChatMessage, Role } from '../../src/contract/chat.js';
import type { TestAccount } from '../../test/support/auth.js';
import {
  connectChat,
  newClientId,
  pageCsrfToken,
  pageTranslations,
  startConversation,
  translatable,
  waitForConnection,
  type ChatConnection,
  type SignedIn,
} from '../../test/support/chat-users.js';

/** What people write: a fixed set, so the translation memory can be warm. */
export const customerLines = [
  'Hola, necesito ayuda con mi pedido',
  'Mi pedido no ha llegado todavía',
  '¿Pueden enviarme otro paquete?',
  'El número de seguimiento no funciona',
  'Gracias por su ayuda',
];
export const repLines = [
  'Hello, I am sorry to hear that',
  'Could you confirm your order number?',
  'I have checked the shipment status',
  'A new package will be sent today',
  'Thank you for your patience',
];

/** Set-up steps that had to be repeated (reported with the results). */
export const setupRetries = { csrf: 0, joins: 0 };

export interface Person {
  userId: string;
  /** The reader's language, as the page knows it (`EN-US`). */
  language: string;
  /** Present when the person signed in (Parley); the relay reference has none. */
  session?: SignedIn;
  connection: ChatConnection;
  /** How the page translates what it reads; absent when nothing needs translating (the relay). */
  translations?: Translations;
  /** Conversations this person is in: a rep's dashboard may show others' messages too. */
  conversations: Set<string>;
}

export interface Conversation {
  id: string;
  customer: Person;
  rep: Person;
}

export class PhaseMetrics {
  readonly sentAt = new Map<string, number>();
  readonly seen = new Map<string, number>();
  readonly latencies: number[] = [];
  readonly errors = new Map<string, number>();
  readonly acked = new Set<string>();
  /** Deliveries whose translation came in the message event (no /translate). */
  carried = 0;

  error(kind: string): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
  }

  /** Acked by the server but never seen by the other side. */
  lost(): number {
    return [...this.acked].filter((clientId) => !this.seen.has(clientId)).length;
  }

  /** Sent, and neither acked nor refused (still waiting when the phase ended). */
  unacknowledged(): number {
    const refused = [...this.errors].filter(([kind]) => kind.startsWith('send')).reduce((sum, [, count]) => sum + count, 0);
    return this.sentAt.size - this.acked.size - refused;
  }

  duplicated(): number {
    return [...this.seen.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
  }
}

/** Accounts made directly in the database (bcrypt cost 4), then signed in through the form. */
export async function createPeople(role: Role, count: number, language: string, concurrency = 8): Promise<TestAccount[]> {
  const users = createUserService({ bcryptCost: 4 });
  const password = 'bench password 123';
  const stamp = Date.now().toString(36);
  return inBatches(Array.from({ length: count }, (_, index) => index), concurrency, async (index) => {
    const username = `b${role[0]}${stamp}_${index}`;
    return { user: await users.createUser(role, { username, password, language }), username, password };
  });
}

/** Runs `work` over `items` with at most `limit` at a time. */
export async function inBatches<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * What reps' sockets received for their dashboards, as sent on the wire: the feed's broadcasts
 * (`conversations:updated`) and the answers carrying rows (`dashboard:subscribe`, `dashboard:rows`).
 */
export const dashboardTraffic = { bytes: 0 };
const dashboardFrame = /^(2\["conversations:updated"|3\d+\[\{"ok":true,"conversations")/;

/** Counts the packets (as the engine hands them over: no engine.io type prefix) by their first characters only, cheap next to parsing them. */
function countDashboardTraffic(socket: ChatSocket): void {
  const listen = () => socket.io.engine.on('data', (data: unknown) => {
    if (typeof data === 'string' && dashboardFrame.test(data)) dashboardTraffic.bytes += Buffer.byteLength(data);
  });
  socket.io.on('open', listen);
}

export async function connectPerson(url: string, session: SignedIn): Promise<Person> {
  // Browser-like reconnect delays; one websocket per page.
  const connection = connectChat(url, session, { reconnectionDelay: 1_000, reconnectionDelayMax: 5_000 });
  if (session.account.user.role === 'rep') countDashboardTraffic(connection.socket);
  await waitForConnection(connection, 30_000);
  const { id, language } = session.account.user;
  return { userId: id, language, session, connection, translations: pageTranslations(url, session, language), conversations: new Set() };
}

/** A person on the bare relay (the reference): a socket naming its user, no login. */
export async function connectRelayPerson(url: string, userId: string, language: string): Promise<Person> {
  const socket: ChatSocket = io(url, { transports: ['websocket'], forceNew: true, auth: { userId, language }, reconnectionDelay: 1_000, reconnectionDelayMax: 5_000 });
  const chat = new SocketChatClient(socket);
  const connection: ChatConnection = { chat, socket, received: [] };
  await waitForConnection(connection, 30_000);
  return { userId, language, connection, conversations: new Set() };
}

/** Customers start their conversations; rep i takes conversations i, i+reps, i+2·reps, … */
export async function openConversations(url: string, customers: Person[], reps: Person[], start = startOnPage(url), concurrency = 20): Promise<Conversation[]> {
  const conversations = await inBatches(customers, concurrency, async (customer) => {
    const id = await start(customer);
    await joinAsAPageWould(customer, id);
    customer.conversations.add(id);
    return { id, customer };
  });
  return inBatches(
    conversations.map((conversation, index) => ({ ...conversation, rep: reps[index % reps.length]! })),
    concurrency,
    async (conversation) => {
      await joinAsAPageWould(conversation.rep, conversation.id);
      conversation.rep.conversations.add(conversation.id);
      return conversation;
    },
  );
}

/** Joining again when the join's answer did not come in time (a busy machine); joining is idempotent. */
async function joinAsAPageWould(person: Person, conversationId: string, attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await person.connection.chat.join(conversationId);
      return;
    } catch (error) {
      if (attempt >= attempts || (error as { code?: unknown }).code !== 'unavailable') throw error;
      setupRetries.joins += 1;
    }
  }
}

/** The customer presses "Start a conversation" on Parley's page. */
function startOnPage(url: string): (customer: Person) => Promise<string> {
  return async (customer) => {
    const session = customer.session!;
    return startConversation(url, session).catch(async (error: unknown) => {
      // Seen here now and then: the session's CSRF token is not the one its page showed (see
      // BENCHMARKS.md). Reload the page as a person would, press again, and count it.
      if (!String(error).includes('answered 403')) throw error;
      setupRetries.csrf += 1;
      session.csrf = await pageCsrfToken(url, session.cookie);
      return startConversation(url, session);
    });
  };
}

/**
 * The receiving side of the page: a message from the other person is counted, then translated
 * into the reader's language (one POST /translate), and only then counts as delivered.
 */
export function countDeliveries(people: Person[], metrics: PhaseMetrics): () => void {
  const stops = people.map((person) =>
    person.connection.chat.on('message', (message: ChatMessage) => {
      if (message.authorId === person.userId || !person.conversations.has(message.conversationId)) return;
      const sentAt = metrics.sentAt.get(message.clientId);
      if (sentAt === undefined) return;
      const times = (metrics.seen.get(message.clientId) ?? 0) + 1;
      metrics.seen.set(message.clientId, times);
      if (times > 1) return;
      // The page shows a translation the event carries at once; it asks /translate only otherwise.
      if (!person.translations || message.translations?.[person.language]) {
        metrics.carried += person.translations ? 1 : 0;
        metrics.latencies.push(performance.now() - sentAt);
        return;
      }
      person.translations.translate([translatable(message)]).then(
        (results) => {
          if (results.get(message.id)?.untranslated !== false) metrics.error('untranslated');
          metrics.latencies.push(performance.now() - sentAt);
        },
        (error: Error) => metrics.error(`translate: ${error.message}`),
      );
    }),
  );
  return () => stops.forEach((stop) => stop());
}

/** Each side of each conversation writes every `intervalMs` (±25 %), until `until`. */
export function writeUntil(conversations: Conversation[], metrics: PhaseMetrics, intervalMs: number, until: number): Promise<void> {
  const writers = conversations.flatMap((conversation) => [
    { person: conversation.customer, lines: customerLines, id: conversation.id },
    { person: conversation.rep, lines: repLines, id: conversation.id },
  ]);
  return Promise.all(
    writers.map(
      (writer) =>
        new Promise<void>((done) => {
          let count = 0;
          const tick = () => {
            if (performance.now() >= until) return done();
            const clientId = newClientId('b');
            const body = writer.lines[count++ % writer.lines.length]!;
            // Time starts before the send, as the reader's wait does; counted only once acked.
            const started = performance.now();
            metrics.sentAt.set(clientId, started);
            writer.person.connection.chat.send(writer.id, clientId, body).then(
              () => metrics.acked.add(clientId),
              (error: { code?: string }) => metrics.error(`send ${error.code ?? 'failed'}`),
            );
            schedule(intervalMs * (0.75 + Math.random() * 0.5));
          };
          // The phase ends on time: a writer whose next message would fall after it is done now.
          const schedule = (delayMs: number) => (performance.now() + delayMs >= until ? done() : setTimeout(tick, delayMs));
          schedule(Math.random() * intervalMs);
        }),
    ),
  ).then(() => undefined);
}
