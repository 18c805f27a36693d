import MongoStore from 'connect-mongo';
import type { SessionData } from 'express-session';
import type { mongo } from 'mongoose';

type StoreOptions = Parameters<typeof MongoStore.create>[0];

/** A session document as connect-mongo writes it (default `stringify: true`, no encryption). */
export interface StoredSession {
  _id: string;
  session: string;
  expires?: Date;
  lastModified?: Date;
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

  override get(sid: string, callback: (error: unknown, session?: SessionData | null) => void): void {
    this.sessions.findOne({ _id: sid }).then(
      (stored) => {
        if (!stored || (stored.expires && stored.expires.getTime() <= Date.now())) return callback(null, null);
        const session = JSON.parse(stored.session) as SessionData & { lastModified?: Date };
        // connect-mongo's touch reads it to write at most once per `touchAfter`.
        if (stored.lastModified) session.lastModified = stored.lastModified;
        callback(null, session);
      },
      (error: unknown) => callback(error),
    );
  }
}
