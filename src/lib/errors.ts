/** Field name → message, shown next to the field on forms and returned as JSON by APIs. */
export type FieldErrors = Record<string, string>;

/**
 * The one error family services throw. `operational` errors are expected (bad input, missing
 * record) and their message is safe to show; anything else is a bug and its details stay hidden.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: { operational?: boolean; fields?: FieldErrors; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
  }

  get operational(): boolean {
    return this.options.operational ?? true;
  }

  get fields(): FieldErrors | undefined {
    return this.options.fields;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, fields: FieldErrors = {}) {
    super(400, 'validation_failed', message, { fields });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Please log in to continue.') {
    super(401, 'unauthorized', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do that.') {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'We could not find that page.') {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, fields: FieldErrors = {}) {
    super(409, 'conflict', message, { fields });
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(message = 'That request is too large.') {
    super(413, 'payload_too_large', message);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, 'too_many_requests', message);
  }
}

export class ServiceUnavailableError extends AppError {
  constructor(message = 'The service is temporarily unavailable. Please try again shortly.') {
    super(503, 'service_unavailable', message);
  }
}

/** MongoDB's duplicate-key error, as raised by the driver on a unique-index violation. */
export function isDuplicateKeyError(error: unknown): error is Error & { code: 11000; keyValue?: Record<string, unknown> } {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error as { code: unknown }).code === 11000
  );
}
