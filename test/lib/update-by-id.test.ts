import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { updateById } from '../../src/lib/update-by-id.js';
import { useTestDatabase } from '../support/database.js';

useTestDatabase('update_by_id');

// More statements than the embedded database's SQLite pool has connections (100).
const COUNT = 150;

describe('updateById', () => {
  it('when a bulk write updates more documents by _id than the database has connections, then it answers and changes each once', async () => {
    const collection = mongoose.connection.db!.collection<{ _id: number; hits: number }>('many_updates');
    await collection.insertMany(Array.from({ length: COUNT }, (_, index) => ({ _id: index, hits: 0 })));

    const result = await collection.bulkWrite(
      Array.from({ length: COUNT }, (_, index) => updateById({ _id: index }, { $inc: { hits: 1 } })),
      { ordered: false },
    );

    expect(result.modifiedCount).toBe(COUNT);
    expect(await collection.countDocuments({ hits: 1 })).toBe(COUNT);
  });

  it('when asked to upsert, then a missing document is created and an existing one updated', async () => {
    const collection = mongoose.connection.db!.collection<{ _id: string; ids: string[] }>('upserts');
    await collection.insertOne({ _id: 'kept', ids: ['a'] });

    await collection.bulkWrite(
      [updateById({ _id: 'kept' }, { $addToSet: { ids: 'b' } }, { upsert: true }), updateById({ _id: 'fresh' }, { $addToSet: { ids: 'c' } }, { upsert: true })],
      { ordered: false },
    );

    expect(await collection.find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'fresh', ids: ['c'] },
      { _id: 'kept', ids: ['a', 'b'] },
    ]);
  });
});
