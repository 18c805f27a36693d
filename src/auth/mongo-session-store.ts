import MongoStore from 'connect-mongo';
import type { SessionData } from 'express-session';
import type { Connection, mongo } from 'mongoose';
import { batchesOf } from '../lib/id-batches.js';

/** The collection sessions are kept in. */
export const SESSIONS_COLLECTION = 'sessions';

type StoreOptions = Parameters<typeof MongoStore.create>[0];

/** A session document as connect-mongo writes it (default `stringify: true`, no encryption). */
export interface StoredSession {
  _id: string;
  session: string;
  expires?: Date;
  lastModified?: Date;
}

function toSession(stored: StoredSession): SessionData | null {
  if (stored.expires && stored.expires.getTime() <= Date.now()) return null;
  const session = JSON.parse(stored.session) as SessionData & { lastModified?: Date };
  // connect-mongo's touch reads it to write at most once per `touchAfter`.
  if (stored.lastModified) session.lastModified = stored.lastModified;
  return session;
}

/**
 * connect-mongo, except that a session is read by its _id alone and its expiry checked here.
 * connect-mongo filters on `_id` and `expires` together, which MongoDB answers from the _id index
 * but FerretDB 1.x only by scanning every session.
 */
export class MongoSessionStore extends MongoStore {
  constructor(
    options: StoreOptions,
    private readonly sessions: mongo.Collection<StoredSession>,
  ) {
    super(options);
  }

  /** Many sessions at once (the realtime sign-in sweep); expired ones are left out. */
  async getMany(sessionIds: readonly string[]): Promise<Map<string, SessionData>> {
    const found = new Map<string, SessionData>();
    if (sessionIds.length === 0) return found;
    for (const batch of batchesOf(sessionIds)) {
      // One reply per batch: by default the first holds 101 documents and a getMore asks for the
      // rest; with the limit the database also knows the cursor is done (no empty getMore).
      for await (const stored of this.sessions.find({ _id: { $in: batch } }, { batchSize: batch.length, limit: batch.length })) {
        const session = toSession(stored);
        if (session) found.set(stored._id, session);
      }
    }
    return found;
  }

  override get(sid: string, callback: (error: unknown, session?: SessionData | null) => void): void {
    this.sessions.findOne({ _id: sid }).then(
      (stored) => callback(null, stored ? toSession(stored) : null),
      (error: unknown) => callback(error),
    );
  }
}

/**
 * Deletes every stored session logged in as this user. connect-mongo keeps the session as JSON
 * text, so it is matched by passport's entry in that text (the id is hex, safe in a pattern);
 * an unstringified document is matched by its field.
 */
export async function deleteUserSessions(connection: Connection, userId: string): Promise<number> {
  if (!/^[a-f0-9]{24}$/.test(userId)) return 0;
  const sessions = connection.collection(SESSIONS_COLLECTION);
  const result = await sessions.deleteMany({
    $or: [{ session: { $regex: `"passport":\\{"user":"${userId}"` } }, { 'session.passport.user': userId }],
  });
  return result.deletedCount;
}
