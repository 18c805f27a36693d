import bcrypt from 'bcrypt';
import { LRUCache } from 'lru-cache';
import mongoose from 'mongoose';
import { z } from 'zod';
import { ConflictError, isDuplicateKeyError, NotFoundError } from '../lib/errors.js';
import type { Role, User } from '../contract/chat.js';
import { builtInTargetLanguages, normaliseLanguageCode, type Language } from '../contract/languages.js';
import { deleteUserSessions } from './mongo-session-store.js';
import { ensureUserIndexes, UserModel, usernameKey, type UserRecord } from './user.model.js';
import { parseRules, passwordSchema, usernameSchema } from './user.schemas.js';
import { batchesOf } from '../lib/id-batches.js';


/** A rep as the admin tool lists it. */
export interface UserSummary extends User {
  disabled: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
}

/** An active account as a session check needs it: who, and since when their logins count. */
export interface ActiveAccount {
  user: User;
  sessionsValidAfter: Date | null;
}

/** The languages a user may pick; the translation feature swaps in DeepL's live list. */
export type LanguageProvider = () => readonly Language[] | Promise<readonly Language[]>;

export interface UserServiceDeps {
  bcryptCost: number;
  languages?: LanguageProvider;
  /**
   * How long findActiveUser reuses an answer (config.session.cacheMs). Changes through this
   * service apply at once; changes by another process (the admin CLI) within this time.
   */
  cacheMs?: number;
}

export interface NewUser {
  username: string;
  password: string;
  language: string;
}

export type UserService = ReturnType<typeof createUserService>;

export function createUserService(deps: UserServiceDeps) {
  const languages = deps.languages ?? (() => builtInTargetLanguages);
  const activeUsers = deps.cacheMs ? new LRUCache<string, { account: ActiveAccount | null }>({ max: 50_000, ttl: deps.cacheMs }) : undefined;
  // Unknown usernames are checked against this hash so they cost as much time as a wrong password.
  let dummyHash: Promise<string> | undefined;
  const comparable = (hash: string | undefined) =>
    hash ?? (dummyHash ??= bcrypt.hash('parley-dummy-password', deps.bcryptCost));

  async function newUserSchema() {
    const codes = new Set((await languages()).map((language) => language.code));
    return z.object({
      username: usernameSchema,
      password: passwordSchema,
      language: z
        .string()
        .transform(normaliseLanguageCode)
        .refine((code) => codes.has(code), 'Choose one of the listed languages.'),
    });
  }

  async function createUser(role: Role, input: NewUser): Promise<User> {
    const valid = parseRules(await newUserSchema(), input);
    const passwordHash = await bcrypt.hash(valid.password, deps.bcryptCost);
    await ensureUserIndexes();
    try {
      const user = await UserModel.create({
        username: valid.username,
        usernameKey: usernameKey(valid.username),
        passwordHash,
        role,
        language: valid.language,
      });
      return toSessionUser(user);
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw new ConflictError('That username is taken.', { username: 'That username is already taken. Try another one.' });
      }
      throw error;
    }
  }

  /** The user behind a login form, or null; the same work and answer whatever was wrong. */
  async function authenticate(role: Role, username: string, password: string): Promise<User | null> {
    const user = await UserModel.findOne({ role, usernameKey: usernameKey(username) }).select('+passwordHash');
    const matches = await bcrypt.compare(password, await comparable(user?.passwordHash));
    if (!user || !matches || user.disabled) return null;
    await UserModel.updateOne({ _id: user._id }, { $set: { lastLoginAt: new Date() } });
    return toSessionUser(user);
  }

  /** The account an open session belongs to, unless it is gone or disabled since. */
  async function findActiveAccount(id: string): Promise<ActiveAccount | null> {
    if (!/^[a-f0-9]{24}$/.test(id)) return null;
    const cached = activeUsers?.get(id);
    if (cached) return cached.account;
    const stored = await UserModel.findById(id);
    const account = stored && !stored.disabled ? toActiveAccount(stored) : null;
    activeUsers?.set(id, { account });
    return account;
  }

  /** The user an open session belongs to, unless the account is gone or disabled since. */
  async function findActiveUser(id: string): Promise<User | null> {
    return (await findActiveAccount(id))?.user ?? null;
  }

  /** These users' active accounts, read fresh from the database (and refreshed in the cache). */
  async function findActiveAccounts(ids: readonly string[]): Promise<Map<string, ActiveAccount>> {
    const valid = ids.filter((id) => /^[a-f0-9]{24}$/.test(id));
    if (valid.length === 0) return new Map();
    // Plain documents, only the fields an account check reads: the sign-in sweep asks this for
    // every connection every few seconds, and hydrating each into a mongoose document cost most of it.
    // One reply per batch (by default 101 documents, then getMores for the rest; the limit ends the cursor).
    const batches = await Promise.all(batchesOf(valid).map((batch) => UserModel.find({ _id: mongoose.trusted({ $in: batch }) }, activeAccountFields).batchSize(batch.length).limit(batch.length).lean<UserDocument[]>()));
    const stored = batches.flat();
    const found = new Map(stored.flatMap((user) => (user.disabled ? [] : [[String(user._id), toActiveAccount(user)] as const])));
    for (const id of valid) activeUsers?.set(id, { account: found.get(id) ?? null });
    return found;
  }

  /** Which of these users are active, read fresh from the database (and refreshed in the cache). */
  async function findActiveUsers(ids: readonly string[]): Promise<Set<string>> {
    return new Set((await findActiveAccounts(ids)).keys());
  }

  /** Whether any account of this role exists (disabled ones too). */
  async function hasAny(role: Role): Promise<boolean> {
    return (await UserModel.exists({ role })) !== null;
  }

  async function listUsers(role: Role): Promise<UserSummary[]> {
    const users = await UserModel.find({ role }).sort({ usernameKey: 1 });
    return users.map((user) => ({
      ...toSessionUser(user),
      disabled: user.disabled,
      createdAt: user.get('createdAt') as Date,
      lastLoginAt: user.lastLoginAt ?? null,
    }));
  }

  // updateOne then findOne: FerretDB's findAndModify rejects the projection that hides passwordHash.
  async function updateAccount(role: Role, username: string, changes: Partial<UserRecord>): Promise<User> {
    const filter = { usernameKey: usernameKey(username), role };
    const result = await UserModel.updateOne(filter, { $set: changes });
    const user = result.matchedCount ? await UserModel.findOne(filter) : null;
    if (!user) throw new NotFoundError(`No ${role} named "${username}".`);
    activeUsers?.delete(String(user._id));
    return toSessionUser(user);
  }

  /**
   * Ends every login the account has, on every instance: the stamp refuses older logins wherever
   * they are read (a request in flight may still write its session back after the delete), and
   * the stored sessions are deleted so nothing of them stays in the database.
   */
  async function revokeSessions(role: Role, username: string, changes: Partial<UserRecord>): Promise<User> {
    const user = await updateAccount(role, username, { ...changes, sessionsValidAfter: new Date() });
    await deleteUserSessions(mongoose.connection, user.id);
    return user;
  }

  /** Disabling ends the account's sessions for good: enabling it again does not revive them. */
  async function setDisabled(role: Role, username: string, disabled: boolean): Promise<User> {
    return disabled ? revokeSessions(role, username, { disabled }) : updateAccount(role, username, { disabled });
  }

  async function resetPassword(role: Role, username: string, password: string): Promise<User> {
    const valid = parseRules(z.object({ password: passwordSchema }), { password });
    const passwordHash = await bcrypt.hash(valid.password, deps.bcryptCost);
    return revokeSessions(role, username, { passwordHash });
  }

  /** The language a user reads and writes in (already checked by the caller against the list). */
  async function setLanguage(user: Pick<User, 'role' | 'username'>, language: string): Promise<User> {
    return updateAccount(user.role, user.username, { language });
  }

  return {
    createUser,
    setLanguage,
    authenticate,
    findActiveAccount,
    findActiveAccounts,
    findActiveUser,
    findActiveUsers,
    listUsers,
    hasAny,
    setDisabled,
    resetPassword,
    languages,
  };
}

type UserDocument = UserRecord & { _id: { toString(): string } };
/** What toActiveAccount reads (and `disabled`, which decides whether there is an account). */
const activeAccountFields = { username: 1, role: 1, language: 1, disabled: 1, sessionsValidAfter: 1 } as const;

function toActiveAccount(user: UserDocument): ActiveAccount {
  return { user: toSessionUser(user), sessionsValidAfter: user.sessionsValidAfter ?? null };
}

function toSessionUser(user: UserDocument): User {
  return { id: user._id.toString(), username: user.username, role: user.role as Role, language: user.language };
}
