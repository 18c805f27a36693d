import type { Logger } from '../lib/logger.js';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long the circuit stays open before one trial call is let through. */
  cooldownMs: number;
  logger: Logger;
  /** What is protected, for the log lines (`DeepL`). */
  name: string;
  now?: () => number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Stops calling a failing dependency for a while so callers get their fallback at once instead of
 * waiting for a timeout each time. Logs one line when it opens and one when it closes again.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt: number | undefined;
  private trialInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.options.cooldownMs ? 'half-open' : 'open';
  }

  /** True when a call may go out now. In half-open state only one trial call goes at a time. */
  allowRequest(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.trialInFlight = false;
    this.consecutiveFailures = 0;
    if (this.openedAt === undefined) return;
    this.openedAt = undefined;
    this.options.logger.info({ dependency: this.options.name }, `${this.options.name} is answering again: circuit closed`);
  }

  recordFailure(error: unknown): void {
    this.trialInFlight = false;
    this.consecutiveFailures += 1;
    if (this.openedAt !== undefined) {
      // A failed trial: stay open for another cooldown, without another log line.
      this.openedAt = this.now();
      return;
    }
    if (this.consecutiveFailures < this.options.failureThreshold) return;
    this.openedAt = this.now();
    this.options.logger.warn(
      { dependency: this.options.name, failures: this.consecutiveFailures, reason: describe(error) },
      `${this.options.name} is failing: circuit open, serving fallbacks for ${this.options.cooldownMs} ms`,
    );
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
