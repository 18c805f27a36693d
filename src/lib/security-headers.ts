import helmet from 'helmet';
import type { Request, RequestHandler, Response } from 'express';

/** Hosts the @twilio/conversations browser SDK talks to. */
export const twilioBrowserHosts = [
  'wss://tsock.us1.twilio.com',
  'https://mcs.us1.twilio.com',
  'https://media.us1.twilio.com',
];

/** Helmet with a CSP that allows only what our own pages load (no inline script, no CDN). */
export function securityHeaders(options: { twilioTransport: boolean; https: boolean }): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'", ...(options.twilioTransport ? twilioBrowserHosts : [])],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(options.https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: options.https,
    crossOriginEmbedderPolicy: false,
  });
}

/**
 * The headers a securityHeaders() middleware sets, worked out once: its policy has no nonce or
 * other per-request part, so a hot JSON path can set the very same headers without running helmet.
 */
export function fixedSecurityHeaders(middleware: RequestHandler): readonly (readonly [string, string])[] {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: unknown) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  let done = false;
  void middleware({} as Request, recorder as unknown as Response, () => (done = true));
  if (!done) throw new Error('The security headers depend on the request; they cannot be fixed once.');
  return [...headers];
}
