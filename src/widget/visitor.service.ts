import mongoose, { type Types } from 'mongoose';
import type { User } from '../contract/chat.js';
import { ForbiddenError, isDuplicateKeyError } from '../lib/errors.js';
import { isIdentityHash, newVisitorToken, tokenDigest } from './identity.js';
import type { Site } from './site.service.js';
import { siteService } from './site.service.js';
import {
  WidgetVisitor,
  WidgetVisitorIdentity,
  WidgetVisitorToken,
  type VisitorRecord,
  type VisitorTokenRecord,
} from './visitor.model.js';

export interface Visitor {
  id: string;
  siteKey: string;
  name: string;
  email: string | null;
  language: string;
  externalId: string | null;
}

/** What the widget's frame holds after opening a session: its token and who it speaks for. */
export interface VisitorSession {
  token: string;
  visitor: Visitor;
}

/** The host site's claim about who the visitor is: its own user id and the HMAC its server made. */
export interface IdentityClaim {
  id: string;
  hash?: string;
}

const asVisitor = (record: VisitorRecord): Visitor => ({
  id: record._id.toString(), siteKey: record.siteKey, name: record.displayName, email: record.email, language: record.language, externalId: record.externalId,
});

/** The visitor as the message pipeline knows any customer. */
export const userOf = (visitor: Visitor): User => ({ id: visitor.id, username: visitor.name, role: 'customer', language: visitor.language });

export const identityFailure = () => new ForbiddenError('This site could not confirm who you are. Reload the page, or chat without signing in.');

async function createVisitor(site: Site, language: string, externalId: string | null): Promise<VisitorRecord> {
  const _id = new mongoose.Types.ObjectId();
  const displayName = `Visitor ${_id.toString().slice(-4)}`;
  const created = await WidgetVisitor.create({ _id, siteKey: site.key, displayName, language, externalId });
  return created.toObject();
}

/** The one visitor for a site's user id; two first visits at once create it once (`_id` is unique). */
async function identifiedVisitor(site: Site, externalId: string, language: string): Promise<VisitorRecord> {
  const key = `${site.key} ${externalId}`;
  const link = await WidgetVisitorIdentity.findById(key).lean();
  const linked = link && (await WidgetVisitor.findById(link.visitorId).lean<VisitorRecord>());
  if (linked) return linked;
  const created = await createVisitor(site, language, externalId);
  try {
    await WidgetVisitorIdentity.create({ _id: key, visitorId: created._id });
    return created;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    await WidgetVisitor.deleteOne({ _id: created._id });
    const winner = await WidgetVisitorIdentity.findById(key).lean();
    const found = winner && (await WidgetVisitor.findById(winner.visitorId).lean<VisitorRecord>());
    if (!found) throw error;
    return found;
  }
}

async function issueToken(visitorId: Types.ObjectId, siteKey: string): Promise<string> {
  const token = newVisitorToken();
  await WidgetVisitorToken.create({ _id: tokenDigest(token), visitorId, siteKey });
  return token;
}

async function tokenRecord(token: unknown): Promise<VisitorTokenRecord | undefined> {
  if (typeof token !== 'string' || !/^pv_[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  return (await WidgetVisitorToken.findById(tokenDigest(token)).lean<VisitorTokenRecord>()) ?? undefined;
}

/** Visitors of the widget: anonymous ones by their token, identified ones by the site's signed id. */
export const visitorService = {
  /**
   * The visitor this widget speaks for. A token of this site is kept; a signed id (correct HMAC)
   * is that customer on every device; a token of an identified customer counts only with their
   * signed id again (someone else at the same computer, after they signed out, is a new visitor).
   */
  async open(site: Site, input: { token?: string; identity?: IdentityClaim; language: string }): Promise<VisitorSession> {
    const known = await tokenRecord(input.token);
    const mine = known?.siteKey === site.key ? await WidgetVisitor.findById(known.visitorId).lean<VisitorRecord>() : undefined;
    if (input.identity) {
      if (!input.identity.hash || !isIdentityHash(site.secret, input.identity.id, input.identity.hash)) throw identityFailure();
      const record = await identifiedVisitor(site, input.identity.id, input.language);
      const same = mine && mine._id.equals(record._id) && input.token;
      return { token: same ? input.token! : await issueToken(record._id, site.key), visitor: asVisitor(record) };
    }
    if (mine && mine.externalId === null && input.token) return { token: input.token, visitor: asVisitor(mine) };
    const record = await createVisitor(site, input.language, null);
    return { token: await issueToken(record._id, site.key), visitor: asVisitor(record) };
  },

  /** Who a token speaks for, while its site is still registered. */
  async authenticate(token: unknown): Promise<{ visitor: Visitor; site: Site; digest: string } | undefined> {
    const record = await tokenRecord(token);
    if (!record) return undefined;
    const [site, visitor] = await Promise.all([siteService.find(record.siteKey), WidgetVisitor.findById(record.visitorId).lean<VisitorRecord>()]);
    return site && visitor ? { site, visitor: asVisitor(visitor), digest: record._id } : undefined;
  },

  /** Whether a token (by digest) still signs in: for connections that outlive the request. */
  async isActive(digest: string): Promise<boolean> {
    const record = await WidgetVisitorToken.findById(digest).lean<VisitorTokenRecord>();
    return Boolean(record && (await siteService.find(record.siteKey)));
  },

  async update(visitor: Visitor, changes: { name?: string; email?: string; language?: string }): Promise<Visitor> {
    const set: Partial<VisitorRecord> = {};
    if (changes.name) set.displayName = changes.name;
    if (changes.email) set.email = changes.email;
    if (changes.language) set.language = changes.language;
    if (Object.keys(set).length === 0) return visitor;
    const updated = await WidgetVisitor.findByIdAndUpdate(visitor.id, { $set: set }, { returnDocument: 'after' }).lean<VisitorRecord>();
    return updated ? asVisitor(updated) : visitor;
  },
};
