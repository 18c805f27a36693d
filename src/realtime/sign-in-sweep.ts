import type { Logger } from '../lib/logger.js';
import { signInKey, type SignInCache, type SocketAccess } from './socket-guards.js';

/** What the sweep needs of a connected socket. */
export interface SweptSocket {
  data: { user: { id: string }; sessionId: string };
  disconnect(close: boolean): unknown;
}

export interface SignInSweepOptions {
  /** This instance's own connections (each instance sweeps its own). */
  sockets: () => Iterable<SweptSocket>;
  access: Pick<SocketAccess, 'signedInAmong'>;
  cache: SignInCache;
  everyMs: number;
  logger: Logger;
}

/** Re-checks every connection once: closes the signed-out ones, caches the answer for the rest. */
export async function sweepSignIns(options: Omit<SignInSweepOptions, 'everyMs'>): Promise<void> {
  const sockets = [...options.sockets()];
  if (sockets.length === 0) return;
  const logins = sockets.map((socket) => ({ userId: socket.data.user.id, sessionId: socket.data.sessionId }));
  const signedIn = await options.access.signedInAmong(logins);
  for (const [index, socket] of sockets.entries()) {
    const { userId, sessionId } = logins[index]!;
    const stillIn = signedIn.has(signInKey(userId, sessionId));
    options.cache.remember(userId, sessionId, stillIn);
    // Closed for good: a signed-out client must not reconnect with the same cookie.
    if (!stillIn) socket.disconnect(true);
  }
}

/** Sweeps every `everyMs`, one sweep at a time; answers how to stop. */
export function startSignInSweep(options: SignInSweepOptions): () => void {
  if (options.everyMs <= 0) return () => {};
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepSignIns(options)
      .catch((error: unknown) => options.logger.warn({ err: error }, 'sign-in sweep failed; will retry'))
      .finally(() => (running = false));
  }, options.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
