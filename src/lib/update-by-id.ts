/**
 * One statement of a bulk write that updates the document with this `_id`. It is an
 * `updateMany`, not an `updateOne`: for a unique `_id` both change the same one document, but
 * FerretDB 1.x on SQLite keeps each matched `updateOne` statement's query (and the SQLite
 * connection under it) open until the whole command ends, and its pool holds 100 connections. A
 * bulk write of about a hundred matched `updateOne` statements then waits for a connection it
 * holds itself, and the database stops answering every client for good. An `updateMany` reads its
 * query to the end, so each statement gives its connection back before the next one starts.
 */
export function updateById<F extends { _id: unknown }, U>(filter: F, update: U, options: { upsert?: boolean } = {}) {
  return { updateMany: { filter, update, ...(options.upsert ? { upsert: true } : {}) } };
}
