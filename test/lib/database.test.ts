import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { toAppError } from '../../src/lib/error-middleware.js';
import { startEmbeddedMongo } from '../../src/lib/embedded-mongo.js';
import { useTestDatabase } from '../support/database.js';

const noteSchema = new mongoose.Schema(
  {
    slug: { type: String, required: true, unique: true, lowercase: true, trim: true },
    body: { type: String, required: true },
    tags: [String],
  },
  { timestamps: true },
);
const Note = mongoose.model('Note', noteSchema);

describe('database through mongoose', () => {
  useTestDatabase('database');

  it('when a document is saved, then it reads back with its fields and timestamps', async () => {
    const created = await Note.create({ slug: 'Hello', body: 'Hola', tags: ['es'] });
    const found = await Note.findById(created._id).lean();
    expect(found).toMatchObject({ slug: 'hello', body: 'Hola', tags: ['es'] });
    expect(found?.createdAt).toBeInstanceOf(Date);
  });

  it('when a unique index is violated, then a typed 409 error comes out, not a crash', async () => {
    await Note.create({ slug: 'unique-one', body: 'first' });
    const failure = await Note.create({ slug: 'UNIQUE-ONE', body: 'second' }).catch((error: unknown) => error);
    const appError = toAppError(failure);
    expect(appError.status).toBe(409);
    expect(appError.operational).toBe(true);
    expect(await Note.countDocuments({ slug: 'unique-one' })).toBe(1);
  });

  it('when a filter carries an operator object, then it is refused instead of run as a query', async () => {
    await Note.create({ slug: 'secret', body: 'hidden' });
    const injected = { $gt: '' } as unknown as string;
    const failure = await Note.findOne({ slug: injected }).lean().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(mongoose.Error.CastError);
    expect(toAppError(failure).status).toBe(400);
  });
});

describe('embedded database', () => {
  it('when it restarts on the same data directory, then data written before is still there', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-persist-'));
    try {
      const first = await startEmbeddedMongo({ dataDir });
      const writer = await mongoose.createConnection(first.uri, { dbName: 'persist' }).asPromise();
      await writer.collection('notes').insertOne({ slug: 'kept', body: 'still here' });
      await writer.close();
      await first.stop();

      const second = await startEmbeddedMongo({ dataDir });
      const reader = await mongoose.createConnection(second.uri, { dbName: 'persist' }).asPromise();
      expect(await reader.collection('notes').findOne({ slug: 'kept' })).toMatchObject({ body: 'still here' });
      await reader.close();
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('when documents are found, updated or deleted by _id, then SQLite searches the _id index instead of scanning the table', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-id-index-'));
    const database = await startEmbeddedMongo({ dataDir });
    const connection = await mongoose.createConnection(database.uri, { dbName: 'id_index' }).asPromise();
    try {
      const notes = connection.collection('notes');
      const { insertedIds } = await notes.insertMany(Array.from({ length: 50 }, (_, index) => ({ body: `note ${index}` })));
      const id = insertedIds[7];
      const plan = (command: Record<string, unknown>) =>
        connection.db!.command({ explain: command }).then((answer) => JSON.stringify(answer.queryPlanner));

      expect(await plan({ find: 'notes', filter: { _id: id } })).toMatch(/SEARCH \S+ USING INDEX \S+__id_/);
      expect(await plan({ find: 'notes', filter: { _id: 'a-string-id' } })).toMatch(/SEARCH \S+ USING INDEX \S+__id_/);
      expect(await notes.findOneAndUpdate({ _id: id }, { $set: { body: 'changed' } }, { returnDocument: 'after' })).toMatchObject({ body: 'changed' });
      expect(await notes.findOne({ _id: insertedIds[8] })).toMatchObject({ body: 'note 8' });
      expect((await notes.deleteOne({ _id: id })).deletedCount).toBe(1);
      expect(await notes.countDocuments()).toBe(49);
    } finally {
      await connection.close();
      await database.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
