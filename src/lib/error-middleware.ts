import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import mongoose from 'mongoose';
import {
  AppError,
  ConflictError,
  isDuplicateKeyError,
  NotFoundError,
  PayloadTooLargeError,
  TooManyRequestsError,
  ValidationError,
  type FieldErrors,
} from './errors.js';

interface ErrorView {
  status: number;
  code: string;
  message: string;
  fields?: FieldErrors;
  stack?: string;
}

/** Errors raised by Express' own body parsers and by http-errors based libraries (CSRF). */
interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  code?: string;
  expose?: boolean;
  message?: string;
}

export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof mongoose.Error.ValidationError) {
    const fields: FieldErrors = {};
    for (const [path, detail] of Object.entries(error.errors)) fields[path] = detail.message;
    return new ValidationError('Some fields are not valid.', fields);
  }
  if (error instanceof mongoose.Error.CastError) {
    return new ValidationError(`"${error.path}" is not a valid value.`, {
      [error.path]: 'Not a valid value.',
    });
  }
  if (isDuplicateKeyError(error)) {
    return new ConflictError('That already exists.');
  }
  // The router decodes path parameters and throws a URIError (status 400, not exposed) on a
  // malformed percent-encoding such as `%E0%A4%A`: the client's mistake, not ours.
  if (error instanceof URIError) return new ValidationError('The address is not valid: it has a malformed percent-encoding.');
  const http = (typeof error === 'object' && error !== null ? error : {}) as HttpLikeError;
  if (http.type === 'entity.too.large') return new PayloadTooLargeError();
  if (http.type === 'entity.parse.failed') return new ValidationError('The request body is not valid JSON.');
  if (http.code === 'EBADCSRFTOKEN') {
    return new AppError(403, 'csrf_invalid', 'Your form expired or was sent from elsewhere. Please reload the page and try again.');
  }
  const status = http.status ?? http.statusCode;
  if (status && status >= 400 && status < 500 && http.expose) {
    return new AppError(status, 'http_error', http.message ?? 'Bad request.');
  }
  return new AppError(500, 'internal_error', 'Something went wrong on our side. Please try again.', {
    operational: false,
    cause: error,
  });
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => {
  next(new NotFoundError());
};

/**
 * The single place errors become responses. Unexpected errors are attached to `res.err`, which
 * pino-http logs with the request id, so each error is logged exactly once.
 */
export interface ErrorMiddlewareOptions {
  exposeInternals: boolean;
  /** Gives the response the reader's interface text when no earlier middleware did (src/i18n). */
  ensureInterfaceLocals?: (res: Response) => void;
}

export function errorMiddleware(options: ErrorMiddlewareOptions): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const appError = toAppError(error);
    if (!appError.operational) res.err = error instanceof Error ? error : new Error(String(error));
    if (appError instanceof TooManyRequestsError) {
      res.setHeader('Retry-After', String(appError.retryAfterSeconds));
    }
    options.ensureInterfaceLocals?.(res);
    const translate = readerTranslation(res);
    const view: ErrorView = {
      status: appError.status,
      code: appError.code,
      message: translate(appError.message),
      fields: appError.fields && Object.fromEntries(Object.entries(appError.fields).map(([field, message]) => [field, translate(message)])),
      stack: options.exposeInternals && error instanceof Error ? error.stack : undefined,
    };
    res.status(view.status);
    sendError(res, view, wantsJson(req.path, req.get('accept')));
  };
}

/** API paths and clients asking for JSON get JSON errors; browsers get pages. */
export function wantsJson(path: string, accept: string | undefined): boolean {
  if (path.startsWith('/api/') || path === '/translate') return true;
  return Boolean(accept?.includes('json')) && !accept?.includes('text/html');
}

function sendError(res: Response, view: ErrorView, json: boolean): void {
  const body = { error: { code: view.code, message: view.message, fields: view.fields } };
  if (json) {
    res.json(body);
    return;
  }
  res.format({
    html: () => res.render('errors/error', { title: readerTranslation(res)(titleFor(view.status)), error: view }),
    json: () => res.json(body),
    default: () => res.type('text/plain').send(view.message),
  });
}

/** The reader's language for messages written in English (src/i18n puts `tm` in res.locals); English otherwise. */
function readerTranslation(res: Response): (text: string) => string {
  const tm: unknown = res.locals.tm;
  return typeof tm === 'function' ? (text) => String((tm as (text: string) => unknown)(text)) : (text) => text;
}

function titleFor(status: number): string {
  if (status === 404) return 'Page not found';
  if (status === 403) return 'Not allowed';
  if (status === 429) return 'Too many attempts';
  if (status >= 500) return 'Something went wrong';
  return 'Something is not right';
}
