import helmet from 'helmet';
import type { RequestHandler } from 'express';

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
