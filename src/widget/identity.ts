import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Identity verification: the host site's server computes HMAC-SHA256(site secret, its user id)
 * and puts it beside the id on the page. Only a server holding the secret can make it, so a
 * visitor cannot claim someone else's id to read their conversations.
 */
export function identityHash(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

/** Compared in constant time, so the answer's timing tells nothing about a correct hash. */
export function isIdentityHash(secret: string, userId: string, hash: string): boolean {
  const expected = Buffer.from(identityHash(secret, userId), 'hex');
  const given = /^[0-9a-f]{64}$/i.test(hash) ? Buffer.from(hash, 'hex') : Buffer.alloc(0);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A widget's identity token: 32 random bytes, as URL-safe text. */
export const newVisitorToken = (): string => `pv_${randomBytes(32).toString('base64url')}`;
export const newSiteKey = (): string => `ps_${randomBytes(12).toString('base64url')}`;
export const newSiteSecret = (): string => randomBytes(32).toString('hex');
export const tokenDigest = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');
