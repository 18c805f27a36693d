import { describe, expect, it } from 'vitest';
import { closeServer } from '../../src/lib/http-server.js';
import { composeTestApp } from '../support/app.js';
import { createCustomer } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { connected, sessionCookie, startRealtimeServer } from './socket-harness.js';

useTestDatabase('realtime_shutdown');

describe('realtime shutdown', () => {
  it('when the server shuts down with sockets connected, then they are disconnected and the HTTP server closes', async () => {
    const composition = composeTestApp();
    const running = await startRealtimeServer(composition);
    const socket = running.connect({ cookie: await sessionCookie(composition.app, 'customer', await createCustomer()) });
    await connected(socket);
    const disconnected = new Promise<string>((done) => socket.once('disconnect', done));

    await running.realtime.close();
    // Longer than the test timeout: if an upgraded socket kept the server open, the test fails.
    await closeServer(running.server, 120_000);
    // A dropped transport, not a server-side disconnect: clients reconnect once the app is back.
    await expect(disconnected).resolves.toBe('transport close');
    expect(running.server.listening).toBe(false);
  });
});
