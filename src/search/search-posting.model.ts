import { Schema, type Model } from 'mongoose';
import { searchDatabase } from '../lib/database.js';

/**
 * The search index: one document per normalised word, keyed by the word itself, listing the
 * messages holding it (in the original or in a translation made on write), oldest first. Keyed by
 * _id because that is the one lookup FerretDB 1.x answers from an index (it has no text index
 * and scans for any other filter); MongoDB answers it the same way.
 */
export interface SearchPostingRecord {
  _id: string;
  /** Message ids (hex), oldest first: a word's newest ones, or (key `"<word> older"`) its older ones, trimmed (see search-index.ts). */
  ids: string[];
}

export const SEARCH_POSTINGS = 'search_postings';

const searchPostingSchema = new Schema<SearchPostingRecord>(
  { _id: { type: String, required: true }, ids: { type: [String], default: [] } },
  { versionKey: false, collection: SEARCH_POSTINGS },
);

/**
 * The postings' model, in the search database (database.ts): on the embedded database that is a
 * SQLite file of its own, so the index's flush never holds the writer the messages wait for.
 * Looked up when used: the database is connected by then.
 */
export function searchPostings(): Model<SearchPostingRecord> {
  const connection = searchDatabase();
  return (connection.models.SearchPosting as Model<SearchPostingRecord> | undefined) ?? connection.model<SearchPostingRecord>('SearchPosting', searchPostingSchema);
}
