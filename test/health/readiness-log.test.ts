import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildTestApp, memoryLogger } from '../support/app.js';
import { useTestDatabase } from '../support/database.js';

describe('readiness log', () => {
  useTestDatabase('readiness_log');

  it('when the database goes down and comes back over many probes, then each change is logged once and probes are not logged', async () => {
    const states = [true, false, false, false, false, true, true, true];
    let probe = 0;
    const { logger, lines } = memoryLogger();
    const app = buildTestApp({ logger, health: { isDatabaseReachable: async () => states[probe++] ?? true } });

    const statuses: number[] = [];
    for (let i = 0; i < states.length; i += 1) statuses.push((await request(app).get('/readyz')).status);

    expect(statuses).toEqual([200, 503, 503, 503, 503, 200, 200, 200]);
    const messages = lines().map((line) => JSON.parse(line) as { level: number; msg: string; database?: string });
    expect(messages.filter((line) => line.msg.startsWith('not ready'))).toEqual([
      expect.objectContaining({ level: 50, database: 'down', msg: 'not ready: the database does not answer' }),
    ]);
    expect(messages.filter((line) => line.msg.startsWith('ready again'))).toEqual([
      expect.objectContaining({ level: 30, database: 'up' }),
    ]);
    expect(lines().join('\n')).not.toContain('/readyz');
    expect(lines().join('\n')).not.toContain('failed with status code 503');
  });
});
