// What the embedded database's patches (scripts/ferretdb/patches/) promise, checked through the
// driver and mongoose as the app uses them; the same assertions hold on a real MongoDB.
import mongoose, { Schema } from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/database.js';

useTestDatabase('id_lookups');

type Doc = { _id: mongoose.Types.ObjectId | string; n: number; status?: string };
const ObjectId = mongoose.Types.ObjectId;
const present = [new ObjectId(), new ObjectId(), 'text-id-1', 'text-id-2'] as const;
const absent = [new ObjectId(), 'text-id-missing'] as const;

const collection = () => mongoose.connection.db!.collection<Doc>('id_lookups');
const idsOf = (docs: Doc[]) => docs.map((doc) => doc._id.toString()).sort();

/** The server's plan for a find: SQLite's EXPLAIN QUERY PLAN lines on FerretDB, MongoDB's winning plan otherwise. */
async function planOf(filter: Record<string, unknown>): Promise<{ ferretdb: boolean; plan: string; pushdown: unknown }> {
  const info = await mongoose.connection.db!.admin().command({ buildInfo: 1 });
  const explained = (await collection().find(filter).explain()) as Record<string, unknown> & { queryPlanner: Record<string, unknown> };
  const ferretdb = typeof info.ferretdbVersion === 'string';
  return { ferretdb, plan: JSON.stringify(ferretdb ? explained.queryPlanner.Plan : explained.queryPlanner.winningPlan), pushdown: explained.filterPushdown };
}

function expectIndexSearch(found: { ferretdb: boolean; plan: string; pushdown: unknown }) {
  if (found.ferretdb) {
    expect(found.plan).toMatch(/SEARCH \S+ USING INDEX/);
    expect(found.plan).not.toMatch(/detail=SCAN/);
    expect(found.pushdown).toBe(true);
  } else {
    expect(found.plan).not.toContain('COLLSCAN');
  }
}

describe('finding documents by a list of _ids', () => {
  beforeAll(async () => {
    const others = Array.from({ length: 30 }, (_, n) => ({ _id: new ObjectId(), n: 100 + n }));
    await collection().insertMany([...present.map((_id, n) => ({ _id, n, status: n % 2 === 0 ? 'open' : 'closed' })), ...others]);
  });

  it('when asked for present and absent ObjectIds and strings, then exactly the present ones come back', async () => {
    const found = await collection().find({ _id: { $in: [...present, ...absent] } }).toArray();
    expect(idsOf(found)).toEqual(present.map(String).sort());
  });

  it('when a list of _ids and another condition are asked, then only documents meeting both come back', async () => {
    const found = await collection().find({ _id: { $in: [...present] }, status: 'open' }).toArray();
    expect(idsOf(found)).toEqual([present[0], present[2]].map(String).sort());
  });

  it('when asked for a list of _ids, then the database searches the _id index instead of scanning', async () => {
    expectIndexSearch(await planOf({ _id: { $in: [...present, ...absent] } }));
  });

  it('when an _id comes with another condition, then the database still searches the _id index', async () => {
    expectIndexSearch(await planOf({ _id: present[0], status: 'open' }));
  });

  it('when a conditional update names an _id, then it changes only that document', async () => {
    await collection().updateOne({ _id: present[1], status: 'closed' }, { $set: { n: 41 } });
    await collection().updateOne({ _id: present[0], status: 'closed' }, { $set: { n: 40 } });
    expect((await collection().find({ _id: { $in: [present[0], present[1]] } }).toArray()).map((doc) => doc.n).sort()).toEqual([0, 41]);
  });
});

interface Recent {
  ids: string[];
}
const Recent = mongoose.model<Recent>('IdLookupsRecent', new Schema<Recent>({ ids: { type: [String], default: [] } }));

describe('$push with $slice', () => {
  const pushed = async (each: string[], slice: number, start: string[] = ['a', 'b', 'c']) => {
    const doc = await Recent.create({ ids: start });
    return (await Recent.findOneAndUpdate({ _id: doc._id }, { $push: { ids: { $each: each, $slice: slice } } }, { returnDocument: 'after' }).lean())?.ids;
  };

  it('when the slice is negative, then the array keeps its last elements', async () => {
    expect(await pushed(['d', 'e'], -3)).toEqual(['c', 'd', 'e']);
  });

  it('when the slice is positive, then the array keeps its first elements', async () => {
    expect(await pushed(['d', 'e'], 2)).toEqual(['a', 'b']);
  });

  it('when the slice is zero, then the array is emptied', async () => {
    expect(await pushed(['d'], 0)).toEqual([]);
  });

  it('when the array is shorter than the slice, then it keeps everything', async () => {
    expect(await pushed(['d'], -10, [])).toEqual(['d']);
  });

  it('when pushes are repeated, then the array never holds more than the slice', async () => {
    const doc = await Recent.create({ ids: [] });
    for (const batch of [['1', '2'], ['3', '4', '5'], ['6']]) {
      await Recent.updateOne({ _id: doc._id }, { $push: { ids: { $each: batch, $slice: -4 } } });
    }
    expect((await Recent.findById(doc._id).lean())?.ids).toEqual(['3', '4', '5', '6']);
  });
});

describe('$push with $sort', () => {
  const pushed = async (each: string[], sort: 1 | -1, slice?: number) => {
    const doc = await Recent.create({ ids: ['b', 'd'] });
    const push = { $each: each, $sort: sort, ...(slice === undefined ? {} : { $slice: slice }) };
    return (await Recent.findOneAndUpdate({ _id: doc._id }, { $push: { ids: push } }, { returnDocument: 'after' }).lean())?.ids;
  };

  it('when sorted ascending, then the whole array is in order', async () => {
    expect(await pushed(['e', 'a', 'c'], 1)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('when sorted descending, then the whole array is in reverse order', async () => {
    expect(await pushed(['e', 'a', 'c'], -1)).toEqual(['e', 'd', 'c', 'b', 'a']);
  });

  it('when sorted and sliced, then the slice keeps the greatest elements whatever order they were pushed in', async () => {
    expect(await pushed(['e', 'a', 'c'], 1, -3)).toEqual(['c', 'd', 'e']);
  });

  it('when the sort is not 1 or -1, then the update is refused and the array unchanged', async () => {
    const doc = await Recent.create({ ids: ['b'] });
    await expect(Recent.updateOne({ _id: doc._id }, { $push: { ids: { $each: ['a'], $sort: 2 } } })).rejects.toThrow(/\$sort/);
    expect((await Recent.findById(doc._id).lean())?.ids).toEqual(['b']);
  });
});
