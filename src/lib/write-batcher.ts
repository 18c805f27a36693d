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
  /** Writes on their way at once (default 1); more only where order between batches does not matter. */
  concurrency?: number;
}

interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/**
 * Writes in submission order, `concurrency` at a time (default one: then items of the same
 * conversation reach the database in the order they were submitted). A caller's promise settles
 * only after its item's write has answered; a write that throws fails every item of its batch
 * (each caller sees the error).
 */
export function createWriteBatcher<I, O>(options: WriteBatcherOptions<I, O>) {
  const maxItems = options.maxItems ?? 500;
  const concurrency = options.concurrency ?? 1;
  const waiting: Waiting<I, O>[] = [];
  let inFlight = 0;
  let scheduled = false;

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

  /** Starts writes while there is room; each finished write takes whatever arrived meanwhile. */
  function pump(): void {
    while (inFlight < concurrency && waiting.length > 0) {
      const batch = waiting.splice(0, maxItems);
      inFlight += 1;
      void writeBatch(batch).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
  }

  return {
    submit(item: I): Promise<O> {
      return new Promise<O>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        // Items submitted in the same turn (one socket packet, one webhook burst) share the write.
        if (scheduled) return;
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          pump();
        });
      });
    },
  };
}

export type WriteBatcher<I, O> = ReturnType<typeof createWriteBatcher<I, O>>;
