import mongoose from 'mongoose';
import { AppError, ForbiddenError, isDuplicateKeyError, NotFoundError, ServiceUnavailableError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { ConversationSummary } from '../realtime/protocol.js';
import { closedOpenKey, Conversation, teamUnreadKey } from './conversation.model.js';
import type { ConversationEvents } from './conversation.events.js';
import type { Actor, MessageTransport } from './conversation.types.js';
import { canSee, toConversationView, toSummary, type ConversationView } from './conversation.view.js';

export interface ConversationServiceDeps {
  transport: MessageTransport;
  events: ConversationEvents;
  logger: Logger;
}

const notFound = () => new NotFoundError('We could not find that conversation.');

/** Conversations: start or resume, see, join, close. Messages are in messaging.service.ts. */
export function createConversationService(deps: ConversationServiceDeps) {
  const { transport, events } = deps;

  async function load(id: string): Promise<ConversationView> {
    if (!mongoose.isValidObjectId(id)) throw notFound();
    const stored = await Conversation.findById(id).lean();
    if (!stored) throw notFound();
    return toConversationView(stored);
  }

  /** The conversation if this user may see it; otherwise the same "not found" as a missing one. */
  async function getForUser(user: Actor, id: string): Promise<ConversationView> {
    const view = await load(id);
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
    await Conversation.updateOne({ _id: view.id }, { $set: { transportId } });
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

  async function startOrResume(user: Actor): Promise<{ conversation: ConversationView; created: boolean }> {
    if (user.role !== 'customer') throw new ForbiddenError('Only customers start conversations.');
    const existing = await Conversation.findOne({ openKey: user.id }).lean();
    if (existing) return { conversation: await ensureTransport(toConversationView(existing)), created: false };
    try {
      const stored = await Conversation.create({
        customer: { id: user.id, username: user.username, language: user.language },
        openKey: user.id,
        unread: {},
      });
      const conversation = await ensureTransport(toConversationView(stored.toObject()));
      events.emit('created', conversation);
      return { conversation, created: true };
    } catch (error) {
      // A concurrent request by the same customer won the unique openKey: resume that one.
      if (!isDuplicateKeyError(error)) throw error;
      const winner = await Conversation.findOne({ openKey: user.id }).lean();
      if (!winner) throw error;
      return { conversation: await ensureTransport(toConversationView(winner)), created: false };
    }
  }

  async function listForCustomer(user: Actor): Promise<ConversationView[]> {
    const stored = await Conversation.find({ 'customer.id': user.id }).sort({ lastActivityAt: -1 }).limit(50).lean();
    return stored.map(toConversationView);
  }

  /** The rep dashboard: open first, then newest activity first. */
  async function dashboard(user: Actor): Promise<ConversationSummary[]> {
    if (user.role !== 'rep') throw notFound();
    const stored = await Conversation.find({}).sort({ status: -1, lastActivityAt: -1 }).limit(200).lean();
    return stored.map((conversation) => toSummary(toConversationView(conversation), user));
  }

  async function join(user: Actor, id: string): Promise<ConversationView> {
    if (user.role !== 'rep') throw notFound();
    const view = await ensureTransport(await load(id));
    if (view.status === 'closed') throw new ForbiddenError('This conversation is closed.');
    if (!view.reps.some((rep) => rep.id === user.id)) {
      await unavailableOnFailure('join', view.id, () => transport.addParticipant(view.transportId, user.id));
      // By _id alone, the one filter FerretDB 1.x answers from an index; $addToSet keeps two
      // concurrent joins of the same rep from adding them twice.
      await Conversation.updateOne(
        { _id: view.id },
        {
          $addToSet: { reps: { id: user.id, username: user.username, language: user.language } },
          $set: { [`unread.${user.id}`]: view.unread[teamUnreadKey] ?? 0 },
        },
      );
    }
    const updated = await load(id);
    events.emit('updated', updated);
    return updated;
  }

  async function closeConversation(view: ConversationView): Promise<ConversationView> {
    if (view.status === 'closed') return view;
    const stored = await Conversation.findOneAndUpdate(
      { _id: view.id, status: 'open' },
      { $set: { status: 'closed', openKey: closedOpenKey(view.id), closedAt: new Date() } },
      { returnDocument: 'after' },
    ).lean();
    if (!stored) return load(view.id);
    const closed = toConversationView(stored);
    const transportId = closed.transportId;
    if (transportId) await unavailableOnFailure('close', closed.id, () => transport.closeConversation(transportId));
    events.emit('updated', closed);
    return closed;
  }

  return {
    getForUser,
    ensureTransport,
    startOrResume,
    listForCustomer,
    dashboard,
    join,
    close: async (user: Actor, id: string) => closeConversation(await getForUser(user, id)),
    admin: {
      list: async (filter: { status?: 'open' | 'closed' } = {}) =>
        (await Conversation.find(filter.status ? { status: filter.status } : {}).sort({ status: -1, lastActivityAt: -1 }).lean()).map(
          toConversationView,
        ),
      close: async (id: string) => closeConversation(await load(id)),
      remove: async (id: string) => {
        const view = await load(id);
        // Without a stored SID the Twilio conversation (if any) is still addressable by its unique name = our id.
        await transport.deleteConversation({ id: view.id, transportId: view.transportId ?? view.id });
        await Conversation.deleteOne({ _id: view.id });
        return view;
      },
    },
  };
}

export type ConversationService = ReturnType<typeof createConversationService>;
