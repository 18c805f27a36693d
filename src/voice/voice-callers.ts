import type { Types } from 'mongoose';
import type { User } from '../contract/chat.js';
import { isDuplicateKeyError } from '../lib/errors.js';
import { VoiceCaller, type VoiceCallerRecord } from './voice.model.js';

/** What reps see instead of the number: `Caller ••• 4567`. */
export function callerName(address: string): string {
  const digits = address.replace(/\D/g, '');
  return digits.length >= 4 ? `Caller ••• ${digits.slice(-4)}` : 'Caller (number withheld)';
}

/** The caller as the message pipeline knows any author. */
export function callerAuthor(caller: { id: string; displayName: string; language: string }): User {
  return { id: caller.id, username: caller.displayName, role: 'customer', language: caller.language };
}

export type VoiceCallerView = VoiceCallerRecord & { id: string };
const asView = (record: VoiceCallerRecord): VoiceCallerView => ({ ...record, id: record._id.toString() });

export const voiceCallers = {
  /** One record per number; two first calls at once create it once (unique address). */
  async findOrCreate(address: string, language: string): Promise<VoiceCallerView> {
    const existing = await VoiceCaller.findOne({ address }).lean<VoiceCallerRecord>();
    if (existing) return asView(existing);
    try {
      return asView((await VoiceCaller.create({ address, displayName: callerName(address), language })).toObject());
    } catch (error) {
      const winner = isDuplicateKeyError(error) ? await VoiceCaller.findOne({ address }).lean<VoiceCallerRecord>() : null;
      if (!winner) throw error;
      return asView(winner);
    }
  },
  async findById(id: Types.ObjectId | string): Promise<VoiceCallerView | undefined> {
    const found = await VoiceCaller.findById(id).lean<VoiceCallerRecord>();
    return found ? asView(found) : undefined;
  },
  async chooseLanguage(id: Types.ObjectId | string, language: string): Promise<void> {
    await VoiceCaller.updateOne({ _id: id }, { $set: { language, languageChosen: true } });
  },
};
