import mongoose, { Schema, type Model } from 'mongoose';

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

const searchPostingSchema = new Schema<SearchPostingRecord>(
  { _id: { type: String, required: true }, ids: { type: [String], default: [] } },
  { versionKey: false, collection: 'search_postings' },
);

export const SearchPosting: Model<SearchPostingRecord> =
  (mongoose.models.SearchPosting as Model<SearchPostingRecord> | undefined) ?? mongoose.model<SearchPostingRecord>('SearchPosting', searchPostingSchema);
