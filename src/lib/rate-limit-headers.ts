import type { Request, RequestHandler, Response } from 'express';

/** What express-rate-limit leaves on the request once it has counted it. */
interface CountedRequest extends Request {
  rateLimit?: { remaining?: number; resetTime?: Date };
}

/**
 * The IETF draft-8 `RateLimit` / `RateLimit-Policy` headers at the cost of one short string per
 * request. express-rate-limit's `standardHeaders: 'draft-8'` also hashes the key into the optional
 * partition key (`pk`) on every request, which cost a hot JSON route (POST /translate) ~8% of its
 * CPU: the policy here is worked out once and the per-request header only carries what changes.
 */
export function rateLimitHeaders(name: string, policy: { limit: number; windowMs: number }): (req: Request, res: Response) => void {
  const policyHeader = `"${name}"; q=${policy.limit}; w=${Math.ceil(policy.windowMs / 1000)}`;
  const prefix = `"${name}"; r=`;
  return (req, res) => {
    const info = (req as CountedRequest).rateLimit;
    if (!info || res.headersSent) return;
    const resetMs = info.resetTime ? info.resetTime.getTime() - Date.now() : policy.windowMs;
    res.setHeader('RateLimit-Policy', policyHeader);
    res.setHeader('RateLimit', `${prefix}${info.remaining ?? 0}; t=${Math.max(0, Math.ceil(resetMs / 1000))}`);
  };
}

/**
 * An express-rate-limit middleware made with `standardHeaders: false`, answering the headers of
 * rateLimitHeaders() after it counted the request (allowed or refused: its `handler` runs inside).
 */
export function withRateLimitHeaders(limiter: RequestHandler, setHeaders: (req: Request, res: Response) => void): RequestHandler {
  return (req, res, next) => {
    void limiter(req, res, (error?: unknown) => {
      setHeaders(req, res);
      next(error);
    });
  };
}
