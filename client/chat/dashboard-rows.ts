// The rows a live dashboard holds, kept current from the built-in transport's feed
// (`conversations:updated`): whole rows replace what is held; a row's activity (what new messages
// changed) is merged into the held row, and a row the dashboard does not hold is asked for once
// (`dashboard:rows`), together with the others of the same update. Activity is absolute values,
// so the newer one (by last activity) wins whatever order two instances' broadcasts arrive in.
import type { ConversationSummary, DashboardActivity, DashboardRow } from '../../src/contract/chat.js';
import { DASHBOARD_ROWS_PER_REQUEST } from '../../src/contract/chat.js';

export type DashboardUpdate = { conversations: DashboardRow[]; activity: DashboardActivity[] };

/** A dashboard row as this viewer sees it: their own unread count when they joined. */
export function summaryForViewer(row: DashboardRow, viewerId: string | undefined): ConversationSummary {
  const { unreadByRep, ...summary } = row;
  const own = viewerId === undefined ? undefined : unreadByRep[viewerId];
  return { ...summary, unread: own ?? summary.unread };
}

/** The held row after the activity, as this viewer sees it. */
export function withActivity(held: ConversationSummary, activity: DashboardActivity, viewerId: string | undefined): ConversationSummary {
  const own = viewerId === undefined ? undefined : activity.unreadByRep[viewerId];
  return {
    ...held,
    lastMessagePreview: activity.lastMessagePreview,
    lastMessageLanguage: activity.lastMessageLanguage,
    lastActivityAt: activity.lastActivityAt,
    unread: own ?? activity.unread,
  };
}

/** ISO times of one format compare as strings. */
const isNotOlder = (activity: DashboardActivity, than: { lastActivityAt: string }) => activity.lastActivityAt >= than.lastActivityAt;

interface Asked {
  /** The newest activity that came while waiting for the answer: merged into it. */
  activity?: DashboardActivity;
  /** A whole row came while waiting: it is at least as new as what the answer brings. */
  replaced?: boolean;
}

export interface DashboardRowsOptions {
  viewerId: string | undefined;
  /** Asks the server for these rows (at most DASHBOARD_ROWS_PER_REQUEST). */
  fetch: (ids: string[]) => Promise<ConversationSummary[]>;
  /** A row as it is now (held, replaced, or merged): what the page shows. */
  onRow: (summary: ConversationSummary) => void;
}

export class DashboardRows {
  private readonly held = new Map<string, ConversationSummary>();
  private readonly asked = new Map<string, Asked>();

  constructor(private readonly options: DashboardRowsOptions) {}

  /** Rows known to be current (a subscribe answer, a new conversation, a room's own summary). */
  hold(summaries: readonly ConversationSummary[]): void {
    for (const summary of summaries) this.held.set(summary.id, summary);
  }

  has(id: string): boolean {
    return this.held.has(id);
  }

  get size(): number {
    return this.held.size;
  }

  /** One feed update: whole rows first, then activity; rows it lacks are asked for in one go. */
  receive(update: DashboardUpdate): void {
    for (const row of update.conversations) this.replace(summaryForViewer(row, this.options.viewerId));
    const missing: string[] = [];
    for (const activity of update.activity) {
      const asked = this.asked.get(activity.id);
      if (asked && (!asked.activity || isNotOlder(activity, asked.activity))) asked.activity = activity;
      const held = this.held.get(activity.id);
      if (held) {
        if (isNotOlder(activity, held)) this.show(withActivity(held, activity, this.options.viewerId));
      } else if (!asked) {
        // Kept with the request: an answer from an instance whose view is a moment old gets it merged.
        this.asked.set(activity.id, { activity });
        missing.push(activity.id);
      }
    }
    void this.ask(missing);
  }

  /**
   * After a reconnect (the subscribe answer is held again): every other held row may have
   * changed while the connection was down, so each is asked for again.
   */
  resync(fresh: readonly ConversationSummary[]): Promise<void> {
    const current = new Set(fresh.map((summary) => summary.id));
    for (const summary of fresh) this.replace(summary);
    return this.ask([...this.held.keys()].filter((id) => !current.has(id) && !this.asked.has(id)));
  }

  private replace(summary: ConversationSummary): void {
    const asked = this.asked.get(summary.id);
    if (asked) asked.replaced = true;
    this.show(summary);
  }

  private show(summary: ConversationSummary): void {
    this.held.set(summary.id, summary);
    this.options.onRow(summary);
  }

  private async ask(ids: readonly string[]): Promise<void> {
    const requests: Promise<void>[] = [];
    for (let start = 0; start < ids.length; start += DASHBOARD_ROWS_PER_REQUEST) {
      requests.push(this.askOnce(ids.slice(start, start + DASHBOARD_ROWS_PER_REQUEST)));
    }
    await Promise.all(requests);
  }

  private async askOnce(ids: string[]): Promise<void> {
    for (const id of ids) if (!this.asked.has(id)) this.asked.set(id, {});
    // Not answered (offline, limited): forgotten, so the row's next activity asks again.
    const rows = await this.options.fetch(ids).catch(() => []);
    for (const row of rows) {
      const asked = this.asked.get(row.id);
      if (asked?.replaced) continue;
      this.show(asked?.activity && isNotOlder(asked.activity, row) ? withActivity(row, asked.activity, this.options.viewerId) : row);
    }
    for (const id of ids) this.asked.delete(id);
  }
}
