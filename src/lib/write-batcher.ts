// Group commit: writes that arrive while one is on its way to the database wait and go together
// in the next one, so under load N messages cost one round trip and one database command instead
// of N. With a collection window (`windowMs`), a write that finds the database idle also waits
// that long for company before it leaves: at moderate rates, where few writes overlap, a group
// then carries several, for a few milliseconds of latency. Without one, a lone write leaves on
// the next turn of the event loop.

/** What a batch write answers for one item: its result, or the error that failed it alone. */
export type BatchOutcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

export interface WriteBatcherOptions<I, O> {
  /** Writes the items together, in the order given; one outcome per item, in the same order. */
  write(items: readonly I[]): Promise<readonly BatchOutcome<O>[]>;
  /** At most this many items per write (a database command has a size limit). */
  maxItems?: number;
  /** Writes on their way at once (default 1); more only where order between batches does not matter. */
  concurrency?: number;
  /** How long the first item of a group waits for others when nothing is on its way (default 0). */
  windowMs?: number;
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
  const windowMs = options.windowMs ?? 0;
  const waiting: Waiting<I, O>[] = [];
  let inFlight = 0;
  let scheduled: 'none' | 'turn' | 'window' = 'none';
  let windowTimer: NodeJS.Timeout | undefined;

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
    scheduled = 'none';
    clearTimeout(windowTimer);
    while (inFlight < concurrency && waiting.length > 0) {
      const batch = waiting.splice(0, maxItems);
      inFlight += 1;
      void writeBatch(batch).finally(() => {
        inFlight -= 1;
        // What arrived meanwhile has waited already: it leaves now, without a window.
        pump();
      });
    }
  }

  /** A full group leaves at once; else the first one waits the window (or the turn) for the others. */
  function schedule(): void {
    if (waiting.length >= maxItems && scheduled === 'window') return pump();
    if (scheduled !== 'none') return;
    // Items submitted in the same turn (one socket packet, one webhook burst) share the write.
    if (windowMs <= 0 || inFlight > 0) {
      scheduled = 'turn';
      setImmediate(pump);
      return;
    }
    scheduled = 'window';
    windowTimer = setTimeout(pump, windowMs);
  }

  return {
    submit(item: I): Promise<O> {
      return new Promise<O>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        schedule();
      });
    },
  };
}

export type WriteBatcher<I, O> = ReturnType<typeof createWriteBatcher<I, O>>;
