import express from 'express';
import type { FailedSpecCheck, SpecRequest, SpecValidator } from './spec-validator.js';

export type SpecFailureResponder = (res: express.Response, check: FailedSpecCheck) => void;

export interface SpecMatch {
  operationId: string;
  pathTemplate: string;
  pathParams: Record<string, string>;
}

const defaultRespond: SpecFailureResponder = (res, check) => {
  res.status(check.status).json({ message: check.errors.join('; '), errors: check.errors });
};

// extended: false keeps Twilio's dotted keys (Timers.Inactive) flat and repeated keys as arrays.
const bodyParsers: express.RequestHandler[] = [
  express.urlencoded({ extended: false, limit: '1mb' }),
  express.json({ limit: '1mb' }),
];

/** Runs the parsers in turn; each one skips requests of another content type or already parsed. */
function parseBody(req: express.Request, res: express.Response, done: (error?: unknown) => void): void {
  const run = (index: number) => {
    const parser = bodyParsers[index];
    if (!parser || req.body !== undefined) return done();
    parser(req, res, (error?: unknown) => (error ? done(error) : run(index + 1)));
  };
  run(0);
}

function stringQuery(query: express.Request['query']): SpecRequest['query'] {
  const result: SpecRequest['query'] = {};
  for (const [name, value] of Object.entries(query)) {
    if (typeof value === 'string') result[name] = value;
    else if (Array.isArray(value)) result[name] = value.filter((item): item is string => typeof item === 'string');
  }
  return result;
}

function toSpecRequest(req: express.Request): SpecRequest {
  return {
    method: req.method,
    path: req.path,
    query: stringQuery(req.query),
    contentType: req.get('content-type'),
    body: req.body,
  };
}

/**
 * Answers any request the spec would not accept (404/405/415/400 with `{ message, errors }`), so a
 * fake server only ever handles requests the real API would take. On success `res.locals.spec`
 * holds the matched operation.
 */
export function rejectRequestsOutsideSpec(
  validator: SpecValidator,
  respond: SpecFailureResponder = defaultRespond,
): express.RequestHandler {
  return (req, res, next) => {
    parseBody(req, res, (error) => {
      if (error) {
        const message = error instanceof Error ? error.message : String(error);
        respond(res, { ok: false, status: 400, errors: [`body: ${message}`] });
        return;
      }
      const check = validator.check(toSpecRequest(req));
      if (!check.ok) {
        respond(res, check);
        return;
      }
      const spec: SpecMatch = { operationId: check.operationId, pathTemplate: check.pathTemplate, pathParams: check.pathParams };
      res.locals.spec = spec;
      next();
    });
  };
}
