import { z } from 'zod';
import { ADDRESS_PATTERN } from './addresses.js';

// Twilio Programmable Messaging's webhooks, form-encoded. Only what Parley reads is checked;
// Twilio adds fields over time, so the rest passes through unread.
const messageSid = z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/);
const address = z.string().regex(ADDRESS_PATTERN);

/** At most 10 attachments (Twilio's MMS limit). */
export const MAX_MEDIA = 10;

export const inboundMessageSchema = z
  .object({
    MessageSid: messageSid,
    From: address,
    To: address,
    Body: z.string().max(10_000).default(''),
    NumMedia: z.coerce.number().int().min(0).max(MAX_MEDIA).default(0),
  })
  .catchall(z.string().max(2_048));

export type InboundMessage = z.infer<typeof inboundMessageSchema>;

export interface MediaItem {
  url: string;
  contentType: string;
}

/** MediaUrl0…, MediaContentType0…: only https links (Twilio's own). */
export function mediaOf(event: InboundMessage): MediaItem[] {
  const items: MediaItem[] = [];
  for (let index = 0; index < event.NumMedia; index++) {
    const url = String(event[`MediaUrl${index}`] ?? '');
    const contentType = String(event[`MediaContentType${index}`] ?? 'application/octet-stream');
    if (/^https:\/\/[^\s]+$/.test(url)) items.push({ url, contentType: contentType.replace(/[^\w./+-]/g, '') });
  }
  return items;
}

export const statusCallbackSchema = z
  .object({
    MessageSid: messageSid,
    MessageStatus: z.string().max(32),
    ErrorCode: z.preprocess((value) => (value === '' ? undefined : value), z.coerce.number().int().optional()),
    ErrorMessage: z.string().max(1_000).optional(),
  })
  .catchall(z.string().max(2_048));

export type StatusCallback = z.infer<typeof statusCallbackSchema>;
