import { describe, expect, it, vi } from 'vitest';
import { createDurableInbox, inboxConnection } from '../../src/lib/durable-inbox.js';
import { createLogger } from '../../src/lib/logger.js';
import { useTestDatabase } from '../support/database.js';

const database = useTestDatabase('durable_inbox');

interface Event {
  key: string;
  sender: string;
}

/** An inbox whose work waits until the test lets it go, counting how many ran at once. */
function heldInbox(concurrency: number) {
  const running = new Set<string>();
  const finished: string[] = [];
  let most = 0;
  let release!: () => void;
  const released = new Promise<void>((done) => (release = done));
  const inbox = createDurableInbox<Event>({
    model: 'HeldInbox', keyOf: (event) => event.key, orderOf: (event) => event.sender, label: 'held event', logger: createLogger({ level: 'silent' }), concurrency,
    async process(event) {
      running.add(event.key);
      most = Math.max(most, running.size);
      await released;
      running.delete(event.key);
      finished.push(event.key);
    },
  });
  return { inbox, running, finished, most: () => most, release };
}

describe('the durable inbox', () => {
  it('when many senders\' events arrive at once, then at most the bound of them are worked at once and every one is finished', async () => {
    const { inbox, running, finished, most, release } = heldInbox(3);
    const events = Array.from({ length: 10 }, (_, index) => ({ key: `event-${index}`, sender: `sender-${index}` }));
    expect(await Promise.all(events.map((event) => inbox.accept(event)))).toEqual(events.map(() => true));
    await vi.waitFor(() => expect(running.size).toBe(3));
    release();
    await inbox.idle();
    expect(most()).toBe(3);
    expect(finished.sort()).toEqual(events.map((event) => event.key).sort());
    const records = inboxConnection().collection('heldinboxes');
    expect(inboxConnection().name).toBe(`${database.name}_inbox`);
    expect(await records.countDocuments({ status: 'done' })).toBe(10);
  });
});
