import type { RequestHandler } from 'express';
import { NotFoundError } from './errors.js';

/**
 * In production, `/js/*.map` would hand out the original browser sources. The check runs on the
 * decoded path because express.static decodes it too (`chat.js%2Emap` is `chat.js.map`).
 */
export const refuseSourceMaps: RequestHandler = (req, _res, next) => {
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    path = req.path; // express.static answers a malformed path with 400 itself
  }
  next(/\.map$/i.test(path) ? new NotFoundError() : undefined);
};
