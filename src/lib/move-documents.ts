import mongoose from 'mongoose';
import { isDuplicateKeyError } from './errors.js';

/**
 * Moves the documents matching `filter` from one collection to another (an earlier version's
 * place to a new database), as they are, `batch` at a time. Copied before removed: a stop
 * half-way copies again, and a copy already there (a duplicate key) is the same document,
 * skipped. Answers how many were moved.
 */
export async function moveDocuments<T extends mongoose.mongo.Document>(
  from: mongoose.mongo.Collection<T>,
  to: mongoose.mongo.Collection<T>,
  options: { filter?: mongoose.mongo.Filter<T>; batch: number },
): Promise<number> {
  let moved = 0;
  for (;;) {
    const batch = (await from.find(options.filter ?? {}).limit(options.batch).toArray()) as unknown as mongoose.mongo.OptionalUnlessRequiredId<T>[];
    if (batch.length === 0) break;
    await to.insertMany(batch, { ordered: false }).catch((error: unknown) => {
      if (!onlyDuplicates(error)) throw error;
    });
    const ids = batch.map((document) => (document as { _id: unknown })._id);
    const { deletedCount } = await from.deleteMany({ _id: { $in: ids } } as mongoose.mongo.Filter<T>);
    moved += batch.length;
    if (deletedCount === 0) break;
  }
  return moved;
}

function onlyDuplicates(error: unknown): boolean {
  if (!(error instanceof mongoose.mongo.MongoBulkWriteError) || !error.writeErrors) return false;
  const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return errors.every((item) => isDuplicateKeyError(item));
}
