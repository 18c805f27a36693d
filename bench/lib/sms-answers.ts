/** What `bench:sms` prints, and how it reads the answers that reached the Messages API. */

export const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(p * values.length) - 1)] ?? NaN;

export const line = (name: string, values: number[]) =>
  values.length === 0
    ? `${name.padEnd(34)} n=     0`
    : `${name.padEnd(34)} n=${String(values.length).padStart(6)}  p50=${percentile(values, 0.5).toFixed(1)} ms  p99=${percentile(values, 0.99).toFixed(1)} ms  max=${Math.max(...values).toFixed(1)} ms`;

/** The rep's answer in conversation `ticket` (numbered in the order the dashboard showed them). */
export const answerBody = (ticket: number) => `We are on it, ticket ${ticket}`;

/**
 * The answers as the phones received them. The local DeepL marks a translation `[ES]`, and
 * `[ES +context]` when the earlier messages went along as context: translating on write sends
 * them, and the customer's copy is the same translation when it is made first (one DeepL call per
 * text, shared). The rep's own words mean translation was unavailable (the rep is told).
 */
export function classifyAnswers(bodies: readonly string[]) {
  const tickets = new Set<string>();
  const counts = { translatedWithContext: 0, translated: 0, untranslated: 0, other: 0, sentTwice: 0 };
  for (const body of bodies) {
    const ticket = /ticket (\d+)$/.exec(body)?.[1];
    if (ticket === undefined) {
      counts.other += 1;
      continue;
    }
    if (tickets.has(ticket)) counts.sentTwice += 1;
    tickets.add(ticket);
    const original = answerBody(Number(ticket));
    if (body === `[ES +context] ${original}`) counts.translatedWithContext += 1;
    else if (body === `[ES] ${original}`) counts.translated += 1;
    else if (body === original) counts.untranslated += 1;
    else counts.other += 1;
  }
  return counts;
}
