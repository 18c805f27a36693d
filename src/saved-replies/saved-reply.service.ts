import mongoose from 'mongoose';
import type { User } from '../contract/chat.js';
import { ConflictError, isDuplicateKeyError, NotFoundError } from '../lib/errors.js';
import { SavedReply, type SavedReplyRecord } from './saved-reply.model.js';
import type { SavedReplyInput } from './saved-reply.schemas.js';

/** A saved reply as pages, the composer and the CLI see it. */
export interface SavedReplyView {
  id: string;
  name: string;
  body: string;
  language: string;
  shared: boolean;
  ownerName: string;
  /** Whether the reader may change or remove it (their own). */
  mine: boolean;
}

/** Who a reply's placeholders are filled for. */
export interface PlaceholderValues {
  customerName: string;
  repName: string;
}

/** The placeholders a reply may hold; unknown ones are left as written, for the rep to see. */
export const PLACEHOLDERS = ['{{customer.name}}', '{{rep.name}}'] as const;

export function fillPlaceholders(body: string, values: PlaceholderValues): string {
  return body.replace(/\{\{\s*customer\.name\s*\}\}/g, values.customerName).replace(/\{\{\s*rep\.name\s*\}\}/g, values.repName);
}

type Stored = SavedReplyRecord & { _id: mongoose.Types.ObjectId };

const toView = (stored: Stored, readerId: string | null): SavedReplyView => ({
  id: stored._id.toString(),
  name: stored.name,
  body: stored.body,
  language: stored.language,
  shared: stored.shared,
  ownerName: stored.ownerName,
  mine: readerId !== null && stored.ownerId?.toString() === readerId,
});

const duplicate = (name: string) => new ConflictError(`You already have a reply named "${name}".`, { name: 'That name is taken: choose another.' });
const notFound = () => new NotFoundError('We could not find that saved reply.');

/** A rep's own replies and everyone's shared ones; team replies (admin) are always shared. */
const visibleTo = (rep: User) => ({ $or: [{ ownerId: new mongoose.Types.ObjectId(rep.id) }, { shared: true }] });

async function insert(owner: { id: string | null; name: string; language: string }, input: SavedReplyInput): Promise<Stored> {
  try {
    const created = await SavedReply.create({
      ownerId: owner.id, ownerName: owner.name, name: input.name, body: input.body, language: owner.language, shared: owner.id === null || input.shared,
    });
    return created.toObject() as Stored;
  } catch (error) {
    if (isDuplicateKeyError(error)) throw duplicate(input.name);
    throw error;
  }
}

export function createSavedReplyService() {
  return {
    /** The replies a rep may use, by name; `prefix` keeps those whose name starts with it. */
    async list(rep: User, prefix?: string): Promise<SavedReplyView[]> {
      const stored = await SavedReply.find(visibleTo(rep)).sort({ name: 1 }).limit(500).lean<Stored[]>();
      const wanted = prefix ? stored.filter((reply) => reply.name.startsWith(prefix)) : stored;
      return wanted.map((reply) => toView(reply, rep.id));
    },
    async get(rep: User, id: string): Promise<SavedReplyView> {
      const stored = mongoose.isValidObjectId(id) ? await SavedReply.findOne({ _id: id, ...visibleTo(rep) }).lean<Stored>() : null;
      if (!stored) throw notFound();
      return toView(stored, rep.id);
    },
    /** Written in the rep's language: that is what customers' translations start from. */
    async create(rep: User, input: SavedReplyInput): Promise<SavedReplyView> {
      return toView(await insert({ id: rep.id, name: rep.username, language: rep.language }, input), rep.id);
    },
    async update(rep: User, id: string, input: SavedReplyInput): Promise<SavedReplyView> {
      if (!mongoose.isValidObjectId(id)) throw notFound();
      try {
        const stored = await SavedReply.findOneAndUpdate(
          { _id: id, ownerId: new mongoose.Types.ObjectId(rep.id) },
          { $set: { name: input.name, body: input.body, shared: input.shared, language: rep.language } },
          { returnDocument: 'after' },
        ).lean<Stored>();
        if (!stored) throw notFound();
        return toView(stored, rep.id);
      } catch (error) {
        if (isDuplicateKeyError(error)) throw duplicate(input.name);
        throw error;
      }
    },
    /** Only the owner removes a reply (others' shared ones are theirs to keep). */
    async remove(rep: User, id: string): Promise<void> {
      const removed = mongoose.isValidObjectId(id) ? await SavedReply.deleteOne({ _id: id, ownerId: new mongoose.Types.ObjectId(rep.id) }) : undefined;
      if (!removed?.deletedCount) throw notFound();
    },
    admin: {
      list: async (): Promise<SavedReplyView[]> => (await SavedReply.find({}).sort({ name: 1 }).lean<Stored[]>()).map((reply) => toView(reply, null)),
      /** A team reply (shared with every rep), or a rep's own when `owner` is given. */
      add: async (input: SavedReplyInput, owner: { id: string | null; name: string; language: string }): Promise<SavedReplyView> =>
        toView(await insert(owner, input), null),
      remove: async (id: string): Promise<SavedReplyView> => {
        const stored = mongoose.isValidObjectId(id) ? await SavedReply.findOneAndDelete({ _id: id }).lean<Stored>() : null;
        if (!stored) throw notFound();
        return toView(stored, null);
      },
    },
  };
}

export type SavedReplyService = ReturnType<typeof createSavedReplyService>;
