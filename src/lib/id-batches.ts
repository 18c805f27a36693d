/**
 * The embedded database answers `{_id: {$in: [...]}}` from its `_id` index only up to 1,000 ids
 * (scripts/ferretdb/patches/0002); a longer list reads the whole collection. Lookups of many ids
 * at once (the sign-in sweep: every connection's session and account every few seconds) go in
 * batches of this size.
 */
export const ID_LOOKUP_BATCH = 500;

export function batchesOf<T>(items: readonly T[], size = ID_LOOKUP_BATCH): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}
