// What the composer's `/` menu decides, without the DOM (unit-tested): whether the box asks for
// a saved reply, which replies match, and where the highlight moves on a key.

export interface PickableReply {
  id: string;
  name: string;
  /** The body with placeholders filled for this conversation. */
  text: string;
}

/** The name typed after a `/` at the very start of the box, or undefined when it is not a request. */
export function slashQuery(value: string): string | undefined {
  const match = /^\/([\p{L}\p{N}_-]*)$/u.exec(value);
  return match ? (match[1] ?? '').toLowerCase() : undefined;
}

/** Names starting with the query first, then names containing it; alphabetical within each. */
export function matchingReplies<T extends PickableReply>(replies: readonly T[], query: string): T[] {
  const byName = [...replies].sort((a, b) => a.name.localeCompare(b.name));
  return [...byName.filter((reply) => reply.name.startsWith(query)), ...byName.filter((reply) => !reply.name.startsWith(query) && reply.name.includes(query))];
}

export type PickerKey = 'ArrowDown' | 'ArrowUp' | 'Enter' | 'Escape' | 'Tab';
export type PickerAction = { type: 'move'; index: number } | { type: 'choose'; index: number } | { type: 'close' } | { type: 'none' };

/** The next highlight (wrapping), the chosen reply, or closing the menu. */
export function pickerKey(key: string, active: number, count: number): PickerAction {
  if (key === 'Escape') return { type: 'close' };
  if (count === 0) return { type: 'none' };
  if (key === 'ArrowDown') return { type: 'move', index: (active + 1) % count };
  if (key === 'ArrowUp') return { type: 'move', index: (active - 1 + count) % count };
  if (key === 'Enter' || key === 'Tab') return { type: 'choose', index: Math.max(0, active) };
  return { type: 'none' };
}
