import type { Channel, ConversationFormality, ConversationPage, ConversationSummary, QueueView, User } from '../contract/chat.js';
import { DASHBOARD_PAGE_SIZE } from '../contract/chat.js';
import { AppError, ForbiddenError, isDuplicateKeyError, NotFoundError, ServiceUnavailableError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { AssignmentChange, ConversationEvents } from './conversation.events.js';
import { conversationStore as store } from './conversation.store.js';
import { dashboardRows, dashboardRowsByIds } from './dashboard-rows.js';
import type { MessageTransport } from './conversation.types.js';
import { canSee, toSummary, type CallView, type ConversationView, type RepRef } from './conversation.view.js';
import { messageStore } from './message.store.js';

export interface ConversationServiceDeps {
  transport: MessageTransport;
  events: ConversationEvents;
  logger: Logger;
}

/** `recent`: what this process wrote or read a moment ago will do (conversation-cache.ts): the send path. */
interface LoadOptions {
  recent?: boolean;
}

const notFound = () => new NotFoundError('We could not find that conversation.');

/** Conversations: start or resume, see, join, close. Messages are in message-pipeline.ts. */
export function createConversationService(deps: ConversationServiceDeps) {
  const { transport, events } = deps;

  async function load(id: string, options: LoadOptions = {}): Promise<ConversationView> {
    const found = await (options.recent ? store.findRecent(id) : store.findById(id));
    if (!found) throw notFound();
    return found;
  }

  /** The conversation if this user may see it; otherwise the same "not found" as a missing one. */
  async function getForUser(user: Pick<User, 'id' | 'role'>, id: string, options: LoadOptions = {}): Promise<ConversationView> {
    const view = await load(id, options);
    if (!canSee(view, user)) throw notFound();
    return view;
  }

  /** Creates the transport side once; safe to repeat (the Twilio create is idempotent). */
  async function ensureTransport(view: ConversationView): Promise<ConversationView & { transportId: string }> {
    if (view.transportId) return { ...view, transportId: view.transportId };
    const transportId = await unavailableOnFailure('create', view.id, async () => {
      const created = await transport.createConversation(view.id);
      await transport.addParticipant(created, view.customer.id);
      return created;
    });
    await store.setTransportId(view.id, transportId);
    return { ...view, transportId };
  }

  /** Transport trouble (Twilio down, 5xx) is a 503 for the user; the cause goes to the log. */
  async function unavailableOnFailure<T>(action: string, conversationId: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError) throw error;
      deps.logger.warn({ err: error, conversationId, transport: transport.kind }, `transport ${action} failed`);
      throw new ServiceUnavailableError('Support chat is briefly unavailable. Please try again in a moment.');
    }
  }

  /** `noneOpen`: the customer was created a moment ago (a first text), so there is no open one to look for. */
  async function startOrResume(user: User, channel: Channel = 'web', options: { noneOpen?: boolean } = {}): Promise<{ conversation: ConversationView; created: boolean }> {
    if (user.role !== 'customer') throw new ForbiddenError('Only customers start conversations.');
    const existing = options.noneOpen ? undefined : await store.findOpenFor(user.id);
    if (existing) return { conversation: await ensureTransport(existing), created: false };
    try {
      const conversation = await ensureTransport(await store.create(user, channel, { transportIsOwnId: transport.kind === 'builtin' }));
      events.emit('created', conversation);
      return { conversation, created: true };
    } catch (error) {
      // A concurrent request by the same customer won the unique openKey: resume that one.
      if (!isDuplicateKeyError(error)) throw error;
      const winner = await store.findOpenFor(user.id);
      if (!winner) throw error;
      return { conversation: await ensureTransport(winner), created: false };
    }
  }

  /** The rep dashboard, a page at a time: open first, then newest activity first; one queue or all. */
  async function dashboard(user: User, { page = 0, limit = DASHBOARD_PAGE_SIZE, view = 'all' as QueueView } = {}): Promise<ConversationPage> {
    if (user.role !== 'rep') throw notFound();
    const pageSize = Math.min(Math.max(limit, 1), DASHBOARD_PAGE_SIZE);
    const { rows, counts } = await dashboardRows({ view, repId: user.id, skip: page * pageSize, limit: pageSize + 1 });
    return {
      conversations: rows.slice(0, pageSize).map((row) => toSummary(row, user)),
      page,
      pageSize,
      hasMore: rows.length > pageSize,
      view,
      counts,
    };
  }

  /** Dashboard rows by id as they are now, for this rep (a live dashboard's missing rows). */
  async function dashboardRowsFor(user: User, ids: readonly string[]): Promise<ConversationSummary[]> {
    if (user.role !== 'rep') throw notFound();
    return (await dashboardRowsByIds(ids)).map((view) => toSummary(view, user));
  }

  /**
   * Makes a rep the owner (and a participant) while `expectedOwner` still owns it (null: nobody);
   * undefined when someone changed it first. Readers are told, and the customer gets a line.
   */
  async function assign(current: ConversationView, change: AssignmentChange, expectedOwner: string | null): Promise<ConversationView | undefined> {
    const view = await ensureTransport(current);
    const rep: RepRef = change.to;
    if (!view.reps.some((joined) => joined.id === rep.id)) {
      await unavailableOnFailure('join', view.id, () => transport.addParticipant(view.transportId, rep.id));
    }
    const updated = await store.assign(view, { rep, handedOverBy: change.byName, note: change.note }, expectedOwner);
    if (!updated) return undefined;
    events.emit('updated', updated);
    events.emit('assigned', updated, change);
    return updated;
  }

  /** A rep joins; joining a conversation nobody owns makes it theirs. */
  async function join(user: User, id: string): Promise<ConversationView> {
    if (user.role !== 'rep') throw notFound();
    let view = await ensureTransport(await load(id));
    if (view.status === 'closed') throw new ForbiddenError('This conversation is closed.');
    if (!view.assignee) {
      const rep = { id: user.id, username: user.username, language: user.language };
      const claimed = await assign(view, { to: rep, reason: 'joined', byName: null, note: null }, null);
      if (claimed) return claimed;
      view = await ensureTransport(await load(id)); // a colleague took it a moment earlier: join as a participant
    }
    if (view.reps.some((rep) => rep.id === user.id)) return view;
    await unavailableOnFailure('join', view.id, () => transport.addParticipant(view.transportId, user.id));
    const updated = (await store.addRep(view, user)) ?? view;
    events.emit('updated', updated);
    return updated;
  }

  /** Closes in the database first (the record), then in the transport unless it told us. */
  async function closeConversation(view: ConversationView, options: { inTransport: boolean }): Promise<ConversationView> {
    if (view.status === 'closed') return view;
    const closed = await store.close(view.id);
    if (!closed) return load(view.id);
    const transportId = closed.transportId;
    if (transportId && options.inTransport) await unavailableOnFailure('close', closed.id, () => transport.closeConversation(transportId));
    events.emit('updated', closed);
    return closed;
  }

  /** A rep sets the register the customer reads replies in; later messages are translated so. */
  async function setFormality(user: User, id: string, formality: ConversationFormality): Promise<ConversationView> {
    if (user.role !== 'rep') throw notFound();
    const updated = (await store.setFormality((await load(id)).id, formality)) ?? (await load(id));
    events.emit('updated', updated);
    return updated;
  }

  /**
   * The customer answers "read replies in the language you write?": with the language (accepted:
   * `changeLanguage` updates the account) or without (kept theirs). Either way the badge clears.
   */
  async function answerLanguage(user: User, id: string, language: string | undefined, changeLanguage?: (language: string) => Promise<void>) {
    const view = await getForUser(user, id);
    if (user.role !== 'customer') throw notFound();
    if (language) await changeLanguage?.(language);
    const updated = (await store.settleLanguage(view.id, language)) ?? view;
    events.emit('updated', updated);
    return updated;
  }

  async function emitting(change: Promise<ConversationView | undefined>): Promise<ConversationView | undefined> {
    const updated = await change;
    if (updated) events.emit('updated', updated);
    return updated;
  }

  return {
    getForUser,
    ensureTransport,
    setFormality,
    answerLanguage,
    startOrResume,
    /** A customer's language changed (an SMS customer's, detected or set by a rep); readers of the open conversation are told. */
    async setCustomerLanguage(customerId: string, language: string): Promise<ConversationView | undefined> {
      await store.setCustomerLanguage(customerId, language);
      const open = await store.findOpenFor(customerId);
      if (open) events.emit('updated', open);
      return open;
    },
    listForCustomer: (user: User) => store.listForCustomer(user.id, 50),
    /** A phone conversation's call (src/voice): each change is told to the dashboard and the conversation. */
    calls: {
      start: (id: string, call: CallView) => emitting(store.startCall(id, call)),
      end: (id: string, sid: string, ended: Pick<CallView, 'endedAt' | 'durationSeconds' | 'outcome'>) => emitting(store.endCall(id, sid, ended)),
      markLowConfidence: (id: string, sid: string, item: CallView['lowConfidence'][number]) => emitting(store.markLowConfidence(id, sid, item)),
    },
    dashboard,
    dashboardRows: dashboardRowsFor,
    join,
    assign,
    close: async (user: User, id: string) => closeConversation(await getForUser(user, id), { inTransport: true }),
    /** What the transport reported from its side (a Twilio webhook): no call back to it. */
    fromTransport: {
      find: (transportId: string) => store.findByTransportId(transportId),
      closed: (view: ConversationView) => closeConversation(view, { inTransport: false }),
    },
    admin: {
      find: load,
      /** Back to the unassigned queue; reps are told, the customer sees nothing. */
      unassign: async (id: string) => {
        const updated = await store.unassign(id);
        if (!updated) throw notFound();
        events.emit('updated', updated);
        return updated;
      },
      list: async (filter: { status?: 'open' | 'closed' } = {}) => store.page({ status: filter.status, skip: 0, limit: 10_000 }),
      close: async (id: string) => closeConversation(await load(id), { inTransport: true }),
      remove: async (id: string) => {
        const view = await load(id);
        // Without a stored SID the Twilio conversation (if any) is still addressable by its unique name = our id.
        await transport.deleteConversation({ id: view.id, transportId: view.transportId ?? view.id });
        await messageStore.removeForConversation(view.id);
        await store.remove(view.id);
        return view;
      },
    },
  };
}

export type ConversationService = ReturnType<typeof createConversationService>;
