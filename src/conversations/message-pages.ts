// Reading and writing a conversation's history pages (message-page.model.ts). Only message.store.ts
// calls these: it is the one owner of messages, whichever collection holds them.
//
// Which page a message goes in comes from the writer's view of the conversation's message count.
// Within a process that view is exact (write-through cache); a writer in another process can be
// behind by what was written in the last seconds (the cache's time to live), so its message lands
// a page lower than its neighbours. Readers therefore always read one page more on each side than
// the count says and sort by `_id`, as the messages collection would.
import mongoose from 'mongoose';
import { updateById } from '../lib/update-by-id.js';
import { MessagePage, PAGE_SPAN, pageKey, type PagedMessage } from './message-page.model.js';

/** A message as a page holds it. */
export function pagedCopy(document: PagedMessage): PagedMessage {
  const { _id, conversationId, clientId, authorId, authorName, authorRole, body, language, kind, createdAt } = document;
  return { _id, conversationId, clientId, authorId, authorName, authorRole, body, language, kind, createdAt };
}

/**
 * Adds newly stored messages to their pages: one unordered bulk write, one upsert per page.
 * `$addToSet` makes writing the same message again harmless (a resend repairs a page whose write failed).
 */
export function addToPages(entries: readonly { page: number; message: PagedMessage }[]): Promise<void> {
  // One page write at a time in this process: FerretDB 1.x applies an update as read, change,
  // write back, so two writes of one page at the same moment could lose one (MongoDB would not).
  const next = pageWrites.then(() => writePages(entries));
  pageWrites = next.catch(() => undefined);
  return next;
}

let pageWrites: Promise<unknown> = Promise.resolve();

async function writePages(entries: readonly { page: number; message: PagedMessage }[]): Promise<void> {
  const byPage = new Map<string, PagedMessage[]>();
  for (const { page, message } of entries) {
    const key = pageKey(message.conversationId.toString(), page);
    byPage.set(key, [...(byPage.get(key) ?? []), pagedCopy(message)]);
  }
  if (byPage.size === 0) return;
  await MessagePage.bulkWrite(
    [...byPage.entries()].map(([_id, messages]) => updateById({ _id }, { $addToSet: { messages: { $each: messages } } }, { upsert: true })),
    { ordered: false },
  );
}

/** The page a message counted after `counted` earlier ones goes in. */
export const pageFor = (counted: number): number => Math.floor(Math.max(counted, 0) / PAGE_SPAN);

/** The kept messages of each page asked for (pages below 0 do not exist). */
async function readPages(conversationId: string, pages: readonly number[], keep: (message: PagedMessage) => boolean): Promise<Map<number, PagedMessage[]>> {
  const wanted = pages.filter((page) => page >= 0);
  const found = await Promise.all(wanted.map((page) => MessagePage.findById(pageKey(conversationId, page)).lean()));
  return new Map(wanted.map((page, index) => [page, (found[index]?.messages ?? []).filter(keep)]));
}

const newestFirst = (a: PagedMessage, b: PagedMessage) => b._id.toHexString().localeCompare(a._id.toHexString());
const countAbove = (pages: Map<number, PagedMessage[]>, lowest: number) =>
  [...pages.entries()].reduce((sum, [page, messages]) => sum + (page > lowest ? messages.length : 0), 0);

/**
 * The `wanted` newest messages that `keep` accepts, newest first, reading down from page `top`
 * (and one page above it, for a writer that counted ahead) until one page below the pages that
 * hold them (for a writer that counted behind), or page 0. Four reads by `_id` in parallel for
 * a history page; more only when `keep` refuses many (a customer does not read notes).
 */
export async function readDown(conversationId: string, top: number, wanted: number, keep: (message: PagedMessage) => boolean): Promise<PagedMessage[]> {
  let lowest = Math.max(top - 2, 0);
  const pages = await readPages(conversationId, [top + 1, top, top - 1, top - 2], keep);
  while (lowest > 0 && countAbove(pages, lowest) < wanted) {
    const next = Math.max(lowest - 2, 0);
    for (const [page, messages] of await readPages(conversationId, [lowest - 1, lowest - 2], keep)) pages.set(page, messages);
    lowest = next;
  }
  return [...pages.values()].flat().sort(newestFirst).slice(0, wanted);
}

/** A message near page `page` (the pages a history read around it would read), if one is kept. */
export async function findNear(conversationId: string, page: number, keep: (message: PagedMessage) => boolean): Promise<PagedMessage | undefined> {
  const pages = await readPages(conversationId, [page + 1, page, page - 1, page - 2], keep);
  return [...pages.values()].flat()[0];
}

/** Writes a conversation's pages again from its messages (oldest first), as the writer would have: for databases from before pages. */
export async function rebuildPages(conversationId: string, oldestFirst: readonly PagedMessage[]): Promise<{ page: number; ids: mongoose.Types.ObjectId[] }[]> {
  const pages = new Map<number, PagedMessage[]>();
  let counted = 0;
  for (const message of oldestFirst) {
    const page = pageFor(counted);
    pages.set(page, [...(pages.get(page) ?? []), pagedCopy(message)]);
    if (message.kind !== 'note') counted += 1;
  }
  await MessagePage.deleteMany({ _id: mongoose.trusted({ $regex: `^${conversationId}:` }) });
  if (pages.size > 0) await MessagePage.insertMany([...pages.entries()].map(([page, messages]) => ({ _id: pageKey(conversationId, page), messages })), { lean: true });
  return [...pages.entries()].map(([page, messages]) => ({ page, ids: messages.map((message) => message._id) }));
}

/** Removes a deleted conversation's pages. */
export async function removePages(conversationId: string): Promise<void> {
  await MessagePage.deleteMany({ _id: mongoose.trusted({ $regex: `^${conversationId}:` }) });
}
