import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCustomer } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { instanceConfig, startAppInstance, type AppInstance } from '../support/app-instance.js';
import { signIn, type SignedIn } from '../support/chat-users.js';
import { connected, type ChatSocket } from './socket-harness.js';

useTestDatabase('realtime_logout_instances');

let redis: RedisServer;
let instanceA: AppInstance;
let instanceB: AppInstance;
const sockets: ChatSocket[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  const config = instanceConfig({ REDIS_URL: redis.url });
  [instanceA, instanceB] = await Promise.all([startAppInstance(config), startAppInstance(config)]);
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await Promise.all([instanceA?.stop(), instanceB?.stop()]);
  await redis?.stop();
});

async function socketOn(instance: AppInstance, user: SignedIn): Promise<ChatSocket> {
  const socket: ChatSocket = io(instance.url, { transports: ['websocket'], extraHeaders: { cookie: user.cookie }, forceNew: true, reconnection: false });
  sockets.push(socket);
  await connected(socket);
  return socket;
}

describe('logout with several instances', () => {
  it("when a user logs out on instance A, then their socket on instance B is closed and another user's is not", async () => {
    const [alice, bob] = await Promise.all([signIn(instanceA, 'customer', await createCustomer()), signIn(instanceA, 'customer', await createCustomer())]);
    const [aliceSocket, bobSocket] = await Promise.all([socketOn(instanceB, alice), socketOn(instanceB, bob)]);
    const aliceClosed = new Promise<string>((done) => aliceSocket.once('disconnect', done));

    const logout = await fetch(`${instanceA.url}/auth/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: alice.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: alice.csrf }).toString(),
    });

    expect(logout.status).toBe(303);
    await expect(aliceClosed).resolves.toBe('io server disconnect');
    await expect(bobSocket.emitWithAck('dashboard:subscribe')).resolves.toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(bobSocket.connected).toBe(true);
  });
});
