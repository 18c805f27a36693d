import mongoose, { Schema, type InferSchemaType, type Model } from 'mongoose';

const userSchema = new Schema(
  {
    /** As the person typed it; shown on pages. */
    username: { type: String, required: true, trim: true, maxlength: 32 },
    /**
     * Lower-case username carrying the unique index: FerretDB has no collation indexes, so
     * case-insensitive uniqueness needs a normalised copy.
     */
    usernameKey: { type: String, required: true },
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

// Unique per role: customers and reps have separate namespaces, so signing up as a customer never
// tells anyone which names the reps have.
userSchema.index({ role: 1, usernameKey: 1 }, { unique: true, name: 'role_usernameKey_unique' });

export type UserRecord = InferSchemaType<typeof userSchema>;

export const UserModel: Model<UserRecord> =
  (mongoose.models.User as Model<UserRecord> | undefined) ?? mongoose.model<UserRecord>('User', userSchema);

/** The key the unique index is on: usernames compare case-insensitively. */
export function usernameKey(username: string): string {
  return username.trim().toLowerCase();
}

/** The index before usernames became unique per role; it would still refuse a rep's name. */
const GLOBAL_USERNAME_INDEX = 'usernameKey_1';
const migrated = new Set<string>();

/**
 * Builds the user indexes and drops the old global-username one where an older version created
 * it (once per database and process).
 */
export async function ensureUserIndexes(): Promise<void> {
  const database = UserModel.db.name;
  if (migrated.has(database)) return;
  await UserModel.init();
  const indexes = await UserModel.collection.listIndexes().toArray();
  if (indexes.some((index) => index.name === GLOBAL_USERNAME_INDEX)) await UserModel.collection.dropIndex(GLOBAL_USERNAME_INDEX);
  migrated.add(database);
}
