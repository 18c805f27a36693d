import mongoose from 'mongoose';
import type { Logger } from '../lib/logger.js';
import { moveDocuments } from '../lib/move-documents.js';
import { SEARCH_POSTINGS, searchPostings, type SearchPostingRecord } from './search-posting.model.js';

/** Postings moved per round: a common word's document holds up to 2,000 ids (~50 kB). */
const BATCH = 100;

/** The postings an earlier version wrote in the main database (the same collection name there). */
export const earlierPostings = () => mongoose.connection.collection<SearchPostingRecord>(SEARCH_POSTINGS);

/**
 * Moves the postings an earlier version kept in the main database into the search database, as
 * they are, so an existing installation's index keeps finding what it found. Runs before this
 * process writes any posting of its own (search-index.ts waits for it), so a word is never in
 * both places with different ids.
 */
export async function adoptEarlierPostings(logger: Logger): Promise<number> {
  const target = searchPostings().collection as unknown as mongoose.mongo.Collection<SearchPostingRecord>;
  const moved = await moveDocuments(earlierPostings(), target, { batch: BATCH });
  if (moved > 0) logger.info({ moved }, 'search postings of an earlier version moved to the search database');
  return moved;
}
