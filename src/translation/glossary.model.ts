import mongoose, { Schema, type Model } from 'mongoose';

/**
 * The glossary of one language pair (`_id` `EN>ES`, base codes): the terms admins keep, and which
 * DeepL glossary holds them. `version` is a hash of the terms; `syncedVersion` the version the
 * DeepL glossary `deeplGlossaryId` was made from. Translations use only the synced one.
 */
const glossarySchema = new Schema(
  {
    _id: { type: String, required: true },
    sourceLang: { type: String, required: true },
    targetLang: { type: String, required: true },
    entries: { type: [new Schema({ source: String, target: String }, { _id: false })], default: [] },
    version: { type: String, required: true },
    deeplGlossaryId: { type: String, default: null },
    syncedVersion: { type: String, default: null },
    /** Kept one change longer: a server that has not seen the change yet may still use it. */
    previousDeeplGlossaryId: { type: String, default: null },
    syncedAt: { type: Date, default: null },
  },
  { versionKey: false, collection: 'glossaries' },
);

export interface GlossaryRecord {
  _id: string;
  sourceLang: string;
  targetLang: string;
  entries: { source: string; target: string }[];
  version: string;
  deeplGlossaryId: string | null;
  syncedVersion: string | null;
  previousDeeplGlossaryId: string | null;
  syncedAt: Date | null;
}

export const GlossaryModel: Model<GlossaryRecord> =
  (mongoose.models.Glossary as Model<GlossaryRecord> | undefined) ?? mongoose.model<GlossaryRecord>('Glossary', glossarySchema);
