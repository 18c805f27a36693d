import mongoose, { Schema, type Model } from 'mongoose';
import type { Logger } from '../lib/logger.js';

/**
 * Characters billed by DeepL, counted where they are sent (memory hits cost nothing, and
 * `context` is not billed): one counter document per conversation, per UTC day and per month,
 * increased with $inc on an upsert by _id, which every MongoDB-compatible server does atomically.
 */
const usageSchema = new Schema(
  {
    _id: { type: String, required: true },
    characters: { type: Number, default: 0 },
    requests: { type: Number, default: 0 },
    // Of `characters`, those spent on non-essential translation (previews, back-translation).
    previewCharacters: { type: Number, default: 0 },
  },
  { versionKey: false, collection: 'translation_usage' },
);

interface UsageRecord {
  _id: string;
  characters: number;
  requests: number;
  previewCharacters: number;
}

export const TranslationUsageModel: Model<UsageRecord> =
  (mongoose.models.TranslationUsage as Model<UsageRecord> | undefined) ??
  mongoose.model<UsageRecord>('TranslationUsage', usageSchema);

export interface UsageFigure {
  /** Every character billed, messages and previews alike. */
  characters: number;
  requests: number;
  /** Of `characters`, what non-essential translation cost (previews, back-translation). */
  previewCharacters: number;
}

/** Messages are essential (always translated); previews are not (refused once the budget is spent). */
export type UsageKind = 'message' | 'preview';

export interface TranslationUsage {
  /** Never throws: a meter that cannot write must not fail a translation. */
  record(characters: number, conversationId?: string, kind?: UsageKind): Promise<void>;
  forConversation(conversationId: string): Promise<UsageFigure>;
  /** `YYYY-MM-DD` (UTC). */
  forDay(day: string): Promise<UsageFigure>;
  /** `YYYY-MM` (UTC). */
  forMonth(month: string): Promise<UsageFigure>;
}

export const dayOf = (date: Date): string => date.toISOString().slice(0, 10);
export const monthOf = (date: Date): string => date.toISOString().slice(0, 7);

async function figure(id: string): Promise<UsageFigure> {
  const found = await TranslationUsageModel.findById(id).lean();
  return { characters: found?.characters ?? 0, requests: found?.requests ?? 0, previewCharacters: found?.previewCharacters ?? 0 };
}

export function createTranslationUsage(options: { logger: Logger; now?: () => Date }): TranslationUsage {
  const now = options.now ?? (() => new Date());
  return {
    async record(characters, conversationId, kind = 'message') {
      if (characters <= 0) return;
      const increase = { characters, requests: 1, ...(kind === 'preview' ? { previewCharacters: characters } : {}) };
      const today = now();
      const ids = [`day:${dayOf(today)}`, `month:${monthOf(today)}`, ...(conversationId ? [`conversation:${conversationId}`] : [])];
      try {
        await Promise.all(
          ids.map((_id) => TranslationUsageModel.updateOne({ _id }, { $inc: increase }, { upsert: true })),
        );
      } catch (error) {
        options.logger.warn({ err: error, characters }, 'could not count translated characters');
      }
    },
    forConversation: (conversationId) => figure(`conversation:${conversationId}`),
    forDay: (day) => figure(`day:${day}`),
    forMonth: (month) => figure(`month:${month}`),
  };
}
