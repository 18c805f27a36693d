import { afterAll, afterEach, beforeAll } from 'vitest';
import { startDeeplServer, type DeeplServer, type DeeplServerOptions } from '../support/deepl-server.js';

/**
 * One local DeepL for the test file (started before its tests, closed after); faults and counts
 * are reset after each test. The handle is usable inside tests and hooks.
 */
export function useDeeplServer(options: DeeplServerOptions = {}): DeeplServer {
  let server: DeeplServer | undefined;
  const current = (): DeeplServer => {
    if (!server) throw new Error('The local DeepL is not started yet: use it inside tests or hooks.');
    return server;
  };
  beforeAll(async () => {
    server = await startDeeplServer(options);
  });
  afterEach(() => {
    server?.setFault(null);
    server?.resetCounts();
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    get url() {
      return current().url;
    },
    get requests() {
      return current().requests;
    },
    get translateRequests() {
      return current().translateRequests;
    },
    get characters() {
      return current().characters;
    },
    get translateLog() {
      return current().translateLog;
    },
    get glossaries() {
      return current().glossaries;
    },
    get translations() {
      return current().translations;
    },
    get targetLanguages() {
      return current().targetLanguages;
    },
    setFault: (fault) => current().setFault(fault),
    resetCounts: () => current().resetCounts(),
    close: () => current().close(),
  };
}
