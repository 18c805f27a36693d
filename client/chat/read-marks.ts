// Read marks for one conversation, debounced: a page used to tell the server "read" for every
// message it showed, and each one was a database write. Now it sends at most one mark per window,
// carrying the newest message read, and at once when the page is hidden or closed or the user
// sends (then nothing waits on a timer that may never fire).

/** How long marks are collected before the newest goes out. */
export const READ_MARK_WINDOW_MS = 750;

// Built-in transport ids (ObjectIds, lower-case hex) sort as the messages do; other ids (Twilio's
// message sids) do not, and a mark without an id means "everything", as before.
const orderedId = /^[a-f0-9]{24}$/;

/** The newest of the ids this page holds; undefined when none can be compared. */
export function newestMessageId(current: string | undefined, candidate: string | undefined): string | undefined {
  if (candidate === undefined || !orderedId.test(candidate)) return current;
  return current === undefined || candidate > current ? candidate : current;
}

export class ReadMarks {
  private pending = false;
  private through: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `send(messageId)`: tells the server the reader has read everything through it (undefined: everything). */
  constructor(
    private readonly send: (messageId: string | undefined) => void,
    private readonly windowMs = READ_MARK_WINDOW_MS,
  ) {}

  /** The reader has seen everything through this message: sent when the window ends, newest only. */
  read(messageId: string | undefined): void {
    this.through = this.pending ? newestMessageId(this.through, messageId) : newestMessageId(undefined, messageId);
    this.pending = true;
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  /** Sends the pending mark now, if any. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending) return;
    this.pending = false;
    this.send(this.through);
  }
}
