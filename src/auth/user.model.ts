import mongoose, { Schema, type InferSchemaType, type Model } from 'mongoose';

const userSchema = new Schema(
  {
    /** As the person typed it; shown on pages. */
    username: { type: String, required: true, trim: true, maxlength: 32 },
    /**
     * Lower-case username carrying the unique index: FerretDB has no collation indexes, so
     * case-insensitive uniqueness needs a normalised copy.
     */
    usernameKey: { type: String, required: true, unique: true },
    passwordHash: { type: String, required: true, select: false },
    role: { type: String, enum: ['customer', 'rep'], required: true },
    language: { type: String, required: true },
    disabled: { type: Boolean, required: true, default: false },
    lastLoginAt: { type: Date, default: null },
    /** Logins older than this no longer count (set by a password reset or disabling). */
    sessionsValidAfter: { type: Date, default: null },
  },
  {
    timestamps: true,
    toJSON: {
      transform: (_doc, ret: Record<string, unknown>) => {
        delete ret.passwordHash;
        return ret;
      },
    },
  },
);

export type UserRecord = InferSchemaType<typeof userSchema>;

export const User: Model<UserRecord> =
  (mongoose.models.User as Model<UserRecord> | undefined) ?? mongoose.model<UserRecord>('User', userSchema);

/** The key the unique index is on: usernames compare case-insensitively. */
export function usernameKey(username: string): string {
  return username.trim().toLowerCase();
}
