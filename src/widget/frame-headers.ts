import type { Response } from 'express';

/**
 * The app's CSP says `frame-ancestors 'none'` everywhere (src/lib/security-headers.ts). The
 * widget's frame alone may be framed, and only by its site's origin: the rest of the policy stays.
 * X-Frame-Options cannot name an origin, so it goes (CSP frame-ancestors supersedes it anyway).
 */
export function allowFramingBy(res: Response, origin: string): void {
  const policy = String(res.getHeader('Content-Security-Policy') ?? '');
  const others = policy.split(';').map((part) => part.trim()).filter((part) => part && !part.startsWith('frame-ancestors'));
  res.setHeader('Content-Security-Policy', [...others, `frame-ancestors ${origin}`].join(';'));
  res.removeHeader('X-Frame-Options');
}

/** widget.js is loaded by other sites' pages: helmet's same-origin resource policy would block it. */
export function allowCrossOriginScript(res: Response): void {
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
}
