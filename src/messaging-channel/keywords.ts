// Carrier keywords (the US short-code and toll-free rules Twilio applies by default): a number
// that texts one of the opt-out words receives nothing more until it texts an opt-in word.

const optOut = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'REVOKE']);
const optIn = new Set(['START', 'YES', 'UNSTOP', 'OPTIN']);
const help = new Set(['HELP', 'INFO']);

export type Keyword = 'opt-out' | 'opt-in' | 'help';

/** The keyword a message is, when the whole message is one (case and spaces aside). */
export function keywordOf(body: string): Keyword | undefined {
  const word = body.trim().toUpperCase().replace(/[.!]+$/, '');
  if (optOut.has(word)) return 'opt-out';
  if (optIn.has(word)) return 'opt-in';
  if (help.has(word)) return 'help';
  return undefined;
}
