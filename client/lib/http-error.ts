// A request the server refused or could not answer; no DOM here, so adapters and their tests share it.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The server's error code (`validation_failed`, `rate_limited`, …) when it sent one. */
    readonly code = 'http_error',
  ) {
    super(message);
    this.name = 'HttpError';
  }

  /** Worth trying again later: the server or the network, not the request, was the trouble. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500;
  }
}
