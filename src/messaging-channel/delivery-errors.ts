// Twilio's error codes for messages, in words a rep can act on. Codes not listed keep Twilio's
// own message (the rep still sees the code).

const explanations: Record<number, string> = {
  21211: 'The number is not a valid phone number.',
  21408: 'Sending to this country is not enabled on the Twilio account.',
  21610: 'The customer opted out (texted STOP): nothing can be sent until they text START.',
  21614: 'The number cannot receive text messages (it is not a mobile number).',
  30003: 'The phone is unreachable (switched off or out of coverage). Try again later.',
  30004: 'The customer blocked messages from this number.',
  30005: 'The number does not exist or is no longer in service.',
  30006: 'The number cannot receive messages (a landline, or the carrier cannot reach it).',
  30007: 'The carrier filtered the message as spam.',
  30008: 'The carrier could not deliver the message (unknown error).',
  63016: "Outside WhatsApp's 24-hour window: the customer has not written for 24 hours, so only an approved template can be sent.",
};

export function explainDeliveryError(code: number | undefined, fallback?: string): string | undefined {
  if (code === undefined) return fallback;
  return explanations[code] ?? fallback ?? `Twilio error ${code}.`;
}
