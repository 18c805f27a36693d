// Phone addresses as Twilio writes them: `+15551234567` for SMS, `whatsapp:+15551234567` for
// WhatsApp. The address is who the customer is; reps see it masked.

export type PhoneChannel = 'sms' | 'whatsapp';

const whatsappPrefix = 'whatsapp:';

/** E.164 (`+` and up to 15 digits), optionally behind `whatsapp:`. */
export const ADDRESS_PATTERN = /^(whatsapp:)?\+[1-9]\d{6,14}$/;

export function channelOf(address: string): PhoneChannel {
  return address.startsWith(whatsappPrefix) ? 'whatsapp' : 'sms';
}

const channelNames: Record<PhoneChannel, string> = { sms: 'SMS', whatsapp: 'WhatsApp' };

/** What reps see instead of the number: `SMS ••• 4567`. */
export function maskedName(address: string): string {
  const digits = address.replace(/\D/g, '');
  return `${channelNames[channelOf(address)]} ••• ${digits.slice(-4)}`;
}
