// Group commit: writes that arrive while one is on its way to the database wait and go together
// in the next one, so under load N messages cost one round trip and one database command instead
// of N. Nothing waits on a timer: a lone write leaves on the next turn of the event loop, and a
// batch only grows while the database is busy with the previous one.

/** What a batch write answers for one item: its result, or the error that failed it alone. */
export type BatchOutcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface WriteBatcherOptions<I, O> {
  /** Writes the items together, in the order given; one outcome per item, in the same order. */
  write(items: readonly I[]): Promise<readonly BatchOutcome<O>[]>;
  /** At most this many items per write (a database command has a size limit). */
  maxItems?: number;
}

interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/**
 * One write at a time, in submission order: items of the same conversation reach the database in
 * the order they were submitted, and a caller's promise settles only after its item's write has
 * answered. A write that throws fails every item of its batch (each caller sees the error).
 */
export function createWriteBatcher<I, O>(options: WriteBatcherOptions<I, O>) {
  const maxItems = options.maxItems ?? 500;
  let waiting: Waiting<I, O>[] = [];
  let writing = false;

  async function writeBatch(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const outcomes = await options.write(batch.map((entry) => entry.item));
      batch.forEach((entry, index) => {
        const outcome = outcomes[index];
        if (!outcome) entry.reject(new Error('The batch write gave no answer for this item.'));
        else if (outcome.ok) entry.resolve(outcome.value);
        else entry.reject(outcome.error);
      });
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }

  async function drain(): Promise<void> {
    if (writing) return;
    writing = true;
    try {
      while (waiting.length > 0) {
        const batch = waiting.slice(0, maxItems);
        waiting = waiting.slice(batch.length);
        await writeBatch(batch);
      }
    } finally {
      writing = false;
    }
  }

  return {
    submit(item: I): Promise<O> {
      return new Promise<O>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        // Items submitted in the same turn (one socket packet, one webhook burst) share the write.
        if (!writing && waiting.length === 1) setImmediate(() => void drain());
      });
    },
  };
}

export type WriteBatcher<I, O> = ReturnType<typeof createWriteBatcher<I, O>>;
