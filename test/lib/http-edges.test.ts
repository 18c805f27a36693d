import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicDir } from '../../src/lib/paths.js';
import { buildTestApp, memoryLogger, testConfig, TEST_SESSION_SECRET } from '../support/app.js';
import { useTestDatabase } from '../support/database.js';

/** Lines pino wrote at level error (50) or above. */
const errorLines = (lines: string[]) => lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);

describe('HTTP edges: malformed addresses, source maps, favicon', () => {
  useTestDatabase('http_edges');
  // A map of this file's own, so the test does not depend on the bundles having been built.
  const mapName = `edge-test-${process.pid}.js.map`;
  const mapPath = join(publicDir, 'js', mapName);
  beforeAll(() => {
    mkdirSync(join(publicDir, 'js'), { recursive: true });
    writeFileSync(mapPath, '{"version":3,"sources":["client/pages/secret.ts"],"mappings":""}');
  });
  afterAll(() => rmSync(mapPath, { force: true }));

  it('when a path has a malformed percent-encoding, then it answers 400 and logs no error', async () => {
    const log = memoryLogger();
    const app = buildTestApp({ logger: log.logger });
    const page = await request(app).get('/conversations/%E0%A4%A').set('Accept', 'text/html');
    expect(page.status).toBe(400);
    expect(page.text).toContain('malformed percent-encoding');
    const api = await request(app).get('/conversations/%E0%A4%A').set('Accept', 'application/json');
    expect(api.status).toBe(400);
    expect(api.body).toMatchObject({ error: { code: 'validation_failed' } });
    expect(errorLines(log.lines())).toEqual([]);
  });

  it('when the app runs in production, then source maps are not served, however the path is spelled', async () => {
    const config = testConfig({ NODE_ENV: 'production', SESSION_SECRET: TEST_SESSION_SECRET });
    const app = buildTestApp({ config });
    for (const path of [`/js/${mapName}`, `/js/${mapName.replace('.map', '%2Emap')}`, `/js/${mapName.replace('.map', '.MAP')}`]) {
      const res = await request(app).get(path);
      expect(res.status, path).toBe(404);
      expect(res.text).not.toContain('secret.ts');
    }
  });

  it('when the app runs in development, then source maps are served for debugging', async () => {
    const res = await request(buildTestApp()).get(`/js/${mapName}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('secret.ts');
  });

  it('when a browser asks for the favicon, then /favicon.ico and the SVG icon pages link to answer 200', async () => {
    const app = buildTestApp();
    const ico = await request(app).get('/favicon.ico');
    expect(ico.status).toBe(200);
    expect(ico.headers['content-type']).toMatch(/image\//);
    const page = await request(app).get('/auth/customer/login').set('Accept', 'text/html');
    const links = [...page.text.matchAll(/<link rel="icon" href="([^"]+)"/g)].map((match) => match[1]);
    expect(links).toContain('/favicon.svg');
    for (const href of links) {
      const icon = await request(app).get(href!);
      expect(icon.status, href).toBe(200);
      expect(icon.headers['content-type']).toMatch(/image\//);
    }
  });
});
