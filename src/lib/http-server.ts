import { createServer, type RequestListener, type Server } from 'node:http';
import type { Logger } from './logger.js';

export function listen(handler: RequestListener, options: { port: number; host: string }): Promise<Server> {
  const server = createServer(handler);
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(options.port, options.host, () => {
      server.off('error', fail);
      done(server);
    });
  });
}

/**
 * Stops accepting connections and waits for in-flight requests, for at most `timeoutMs`; after
 * that the remaining connections are cut so shutdown is bounded.
 */
export function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((done) => {
    const force = setTimeout(() => server.closeAllConnections(), timeoutMs);
    // Keep-alive connections become idle as their last response finishes; close them as they do.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    server.close(() => {
      clearTimeout(force);
      clearInterval(sweep);
      done();
    });
    server.closeIdleConnections();
  });
}

/** Runs `shutdown` once on the first SIGTERM or SIGINT; a second signal exits at once. */
export function onShutdownSignal(logger: Logger, shutdown: (signal: string) => Promise<void>): void {
  let shuttingDown = false;
  const handle = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    shuttingDown = true;
    logger.info({ signal }, 'shutting down');
    shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', handle);
  process.once('SIGINT', handle);
}
