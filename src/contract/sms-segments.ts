// How many SMS segments a text takes (what the carrier bills and Twilio concatenates), so a rep
// sees it before sending a long answer. Shared with the browser: no imports, nothing that runs.

const gsmBasic =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Characters of the GSM-7 extension table: each takes two of the 160. */
const gsmExtended = '^{}\\[~]|€\f';

export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
}

export function smsSegments(text: string): SmsSegments {
  let septets = 0;
  for (const char of text) {
    if (gsmBasic.includes(char)) septets += 1;
    else if (gsmExtended.includes(char)) septets += 2;
    else return ucs2Segments(text);
  }
  return { encoding: 'GSM-7', segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
}

function ucs2Segments(text: string): SmsSegments {
  // UTF-16 code units: an emoji takes two.
  const units = text.length;
  return { encoding: 'UCS-2', segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}
