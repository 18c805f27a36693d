import { ValidationError } from '../lib/errors.js';

/**
 * The origin a browser sends for a page (`https://shop.example`, `http://localhost:8080`): scheme,
 * host and port only, lower case, default ports dropped. Undefined when it is not an http(s) origin.
 */
export function originOf(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return url.origin;
}

/** An origin an admin registers: exactly an origin, nothing after it (a path would suggest a page-level rule). */
export function parseSiteOrigin(value: string): string {
  const origin = originOf(value);
  const bare = value.trim().replace(/\/$/, '').toLowerCase();
  if (!origin || bare !== origin.toLowerCase()) {
    throw new ValidationError('Give the site as an origin, like https://shop.example (no path).', { origin: 'Not an origin such as https://shop.example.' });
  }
  return origin;
}

/** A page URL worth recording: http(s) only, at most 2,000 characters, no fragment. */
export function pageUrlOf(value: string | undefined, origin: string): string {
  if (!value) return origin;
  try {
    const url = new URL(value);
    if (url.origin !== origin) return origin;
    url.hash = '';
    return url.href.slice(0, 2_000);
  } catch {
    return origin;
  }
}
