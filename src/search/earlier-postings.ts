import mongoose from 'mongoose';
import { isDuplicateKeyError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import { SEARCH_POSTINGS, searchPostings, type SearchPostingRecord } from './search-posting.model.js';

/** Postings moved per round: a common word's document holds up to 2,000 ids (~50 kB). */
const BATCH = 100;

/** The postings an earlier version wrote in the main database (the same collection name there). */
export const earlierPostings = () => mongoose.connection.collection<SearchPostingRecord>(SEARCH_POSTINGS);

/**
 * Moves the postings an earlier version kept in the main database into the search database, as
 * they are, so an existing installation's index keeps finding what it found. Runs before this
 * process writes any posting of its own (search-index.ts waits for it), so a word is never in
 * both places with different ids. Copied before removed: a stop half-way copies again, and a
 * copy already there (a duplicate key) is the same document, skipped.
 */
export async function adoptEarlierPostings(logger: Logger): Promise<number> {
  const target = searchPostings().collection as unknown as mongoose.mongo.Collection<SearchPostingRecord>;
  const earlier = earlierPostings();
  let moved = 0;
  for (;;) {
    const batch = await earlier.find({}).limit(BATCH).toArray();
    if (batch.length === 0) break;
    await target.insertMany(batch, { ordered: false }).catch((error: unknown) => {
      if (!onlyDuplicates(error)) throw error;
    });
    const { deletedCount } = await earlier.deleteMany({ _id: { $in: batch.map((posting) => posting._id) } });
    moved += batch.length;
    if (deletedCount === 0) break;
  }
  if (moved > 0) logger.info({ moved }, 'search postings of an earlier version moved to the search database');
  return moved;
}

function onlyDuplicates(error: unknown): boolean {
  if (!(error instanceof mongoose.mongo.MongoBulkWriteError)) return false;
  const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return errors.every((item) => isDuplicateKeyError(item));
}
