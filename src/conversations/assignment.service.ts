// Ownership: who handles a conversation. Joining one nobody owns takes it (conversation.service
// join); the owner hands it to an available colleague with an optional note; reps say whether they
// are available or away; admins list and reassign. Assignment changes reach reps only.
import type { UserService } from '../auth/index.js';
import type { Availability, TeamMember, User } from '../contract/chat.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../lib/errors.js';
import type { ConversationEvents } from './conversation.events.js';
import type { ConversationService } from './conversation.service.js';
import type { ConversationView, RepRef } from './conversation.view.js';
import { availabilityStore } from './rep-availability.model.js';

/** The active rep accounts (the accounts feature has them; composition wires it). */
export interface RepDirectory {
  find(id: string): Promise<RepRef | undefined>;
  list(): Promise<RepRef[]>;
}

export interface HandOverInput {
  repId: string;
  note?: string;
}

const notFound = () => new NotFoundError('We could not find that conversation.');

export function createAssignmentService(deps: { conversations: ConversationService; events: ConversationEvents; reps?: RepDirectory }) {
  const { conversations, events } = deps;
  const reps: RepDirectory = deps.reps ?? { find: async () => undefined, list: async () => [] };

  async function team(): Promise<TeamMember[]> {
    const list = await reps.list();
    const stored = await availabilityStore.of(list.map((rep) => rep.id));
    return list.map((rep) => ({ ...rep, availability: stored.get(rep.id) ?? 'available' }));
  }

  async function availabilityOf(repId: string): Promise<Availability> {
    return (await availabilityStore.of([repId])).get(repId) ?? 'available';
  }

  async function setAvailability(user: User, availability: Availability): Promise<TeamMember[]> {
    if (user.role !== 'rep') throw notFound();
    await availabilityStore.set(user.id, availability);
    const members = await team();
    events.emit('team', members);
    return members;
  }

  /** The rep a conversation may be handed to: an active colleague who is not away. */
  async function handOverTarget(repId: string): Promise<RepRef> {
    const target = await reps.find(repId);
    if (!target) throw new ValidationError('Choose a colleague from the list.', { repId: 'Choose a colleague from the list.' });
    if ((await availabilityOf(target.id)) === 'away') {
      const message = `${target.username} is away and takes no hand-overs now. Choose someone available.`;
      throw new ConflictError(message, { repId: message });
    }
    return target;
  }

  /** The owner (or anyone, while nobody owns it) hands the conversation to an available colleague. */
  async function handOver(user: User, id: string, input: HandOverInput): Promise<ConversationView> {
    if (user.role !== 'rep') throw notFound();
    const view = await conversations.getForUser(user, id);
    if (view.status === 'closed') throw new ForbiddenError('This conversation is closed.');
    if (view.assignee && view.assignee.id !== user.id) {
      throw new ForbiddenError(`${view.assignee.username} owns this conversation: only they can hand it over.`);
    }
    if (input.repId === user.id) throw new ValidationError('Choose a colleague, not yourself.', { repId: 'Choose a colleague, not yourself.' });
    const to = await handOverTarget(input.repId);
    const note = input.note?.trim() || null;
    const change = { to, reason: 'handed-over' as const, byName: user.username, note };
    const updated = await conversations.assign(view, change, view.assignee?.id ?? null);
    if (!updated) throw new ConflictError('Someone else changed who owns this conversation. Reload and try again.');
    return updated;
  }

  /** Admin: a new owner by username (refused when away), or none. */
  async function adminAssign(id: string, username: string | null): Promise<ConversationView> {
    const view = await conversations.admin.find(id);
    if (username === null) return conversations.admin.unassign(view.id);
    const target = (await reps.list()).find((rep) => rep.username.toLowerCase() === username.toLowerCase());
    if (!target) throw new ValidationError(`No active rep is called "${username}".`);
    const to = await handOverTarget(target.id);
    const updated = await conversations.assign(view, { to, reason: 'admin', byName: 'admin', note: null }, view.assignee?.id ?? null);
    if (!updated) throw new ConflictError('The conversation is closed, or its owner changed meanwhile. Try again.');
    return updated;
  }

  return { team, setAvailability, handOver, admin: { assign: adminAssign } };
}

export type AssignmentService = ReturnType<typeof createAssignmentService>;

/** The directory over the accounts feature's users: active reps only. */
export function repDirectoryFrom(users: Pick<UserService, 'findActiveUser' | 'listUsers'>): RepDirectory {
  const ref = (user: User): RepRef => ({ id: user.id, username: user.username, language: user.language });
  return {
    async find(id) {
      const user = await users.findActiveUser(id);
      return user?.role === 'rep' ? ref(user) : undefined;
    },
    async list() {
      return (await users.listUsers('rep')).filter((user) => !user.disabled).map(ref);
    },
  };
}
