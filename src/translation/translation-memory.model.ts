import mongoose, { Schema, type InferSchemaType, type Model } from 'mongoose';

/**
 * One translation ever made: keyed by a hash of the normalised text, source ("auto" when DeepL
 * detected it), target and options, so each text goes to DeepL at most once per target language.
 * The original text is not stored: the caller always has it. A new collection name since the key
 * became the _id: the old `translation_memory` had a unique index on `key` that documents without
 * one would collide on.
 */
const translationMemorySchema = new Schema(
  {
    // The hash key itself, so a lookup is by _id: the one filter every MongoDB-compatible server
    // answers from its primary index (FerretDB 1.x scans the table for any other field).
    _id: { type: String, required: true },
    source: { type: String, required: true },
    target: { type: String, required: true },
    // Not `required`: mongoose refuses empty strings there, and DeepL may answer one.
    translation: { type: String, default: '' },
    detectedSourceLang: { type: String, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false, collection: 'translation_memory_entries' },
);

export type TranslationMemoryRecord = InferSchemaType<typeof translationMemorySchema>;

export const TranslationMemoryModel: Model<TranslationMemoryRecord> =
  (mongoose.models.TranslationMemory as Model<TranslationMemoryRecord> | undefined) ??
  mongoose.model<TranslationMemoryRecord>('TranslationMemory', translationMemorySchema);
