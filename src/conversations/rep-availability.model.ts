import mongoose, { Schema, type Model, type Types } from 'mongoose';
import type { Availability } from '../contract/chat.js';

export interface RepAvailabilityRecord {
  /** The rep's user id: every lookup is by _id (FerretDB answers those from an index). */
  _id: Types.ObjectId;
  availability: Availability;
  updatedAt: Date;
}

/** Whether a rep takes hand-overs now. A rep without a record is available. */
const repAvailabilitySchema = new Schema<RepAvailabilityRecord>(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    availability: { type: String, enum: ['available', 'away'], default: 'available', required: true },
  },
  { timestamps: { createdAt: false, updatedAt: true }, collection: 'rep_availability' },
);

export const RepAvailability: Model<RepAvailabilityRecord> =
  (mongoose.models.RepAvailability as Model<RepAvailabilityRecord> | undefined) ??
  mongoose.model<RepAvailabilityRecord>('RepAvailability', repAvailabilitySchema);

/** The one reader and writer of rep_availability. */
export const availabilityStore = {
  async of(repIds: readonly string[]): Promise<Map<string, Availability>> {
    const valid = repIds.filter((id) => mongoose.isValidObjectId(id));
    if (valid.length === 0) return new Map();
    const stored = await RepAvailability.find({ _id: mongoose.trusted({ $in: valid }) }).lean();
    return new Map(stored.map((record) => [record._id.toString(), record.availability]));
  },
  async set(repId: string, availability: Availability): Promise<void> {
    await RepAvailability.updateOne({ _id: repId }, { $set: { availability } }, { upsert: true });
  },
};
