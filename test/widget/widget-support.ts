import request from 'supertest';
import type { Express } from 'express';
import { identityHash, siteService, type Site } from '../../src/widget/index.js';

/** supertest's requests reach the app as this host; the frame's calls come from its origin. */
export const APP_HOST = 'parley.test';
export const APP_ORIGIN = `http://${APP_HOST}`;

let counter = 0;
/** A registered site of its own origin for each test. */
export async function addSite(): Promise<Site> {
  counter += 1;
  return siteService.add(`https://shop-${process.pid}-${counter}-${Date.now()}.example`);
}

/** A widget API call as the frame on `site` makes it (site key, host origin, Parley's own Origin). */
export function frameCall(app: Express, path: string, site: Pick<Site, 'key' | 'origin'>, options: { token?: string; origin?: string; host?: string } = {}) {
  const call = request(app)
    .post(path)
    .set('Host', APP_HOST)
    .set('Origin', options.origin ?? APP_ORIGIN)
    .set('Accept', 'application/json')
    .set('X-Parley-Site', site.key)
    .set('X-Parley-Host', options.host ?? site.origin);
  return options.token ? call.set('Authorization', `Bearer ${options.token}`) : call;
}

export const signedId = (site: Site, userId: string) => ({ id: userId, hash: identityHash(site.secret, userId) });
