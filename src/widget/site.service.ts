import { ConflictError, isDuplicateKeyError, NotFoundError } from '../lib/errors.js';
import { newSiteKey, newSiteSecret } from './identity.js';
import { parseSiteOrigin } from './origin.js';
import { WidgetSite, type SiteRecord } from './site.model.js';

export interface Site {
  key: string;
  origin: string;
  secret: string;
  createdAt: Date;
}

const asSite = (record: SiteRecord): Site => ({ key: record._id, origin: record.origin, secret: record.secret, createdAt: record.createdAt });
const SITE_KEY_PATTERN = /^ps_[A-Za-z0-9_-]{16}$/;

/** The sites allowed to show the widget: added, listed and removed by admins (npm run admin -- site:…). */
export const siteService = {
  async add(originInput: string): Promise<Site> {
    const origin = parseSiteOrigin(originInput);
    try {
      const created = await WidgetSite.create({ _id: newSiteKey(), origin, secret: newSiteSecret() });
      return asSite(created.toObject());
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      throw new ConflictError(`${origin} is registered already (site:list shows its key).`, { origin: 'Already registered.' });
    }
  },

  async list(): Promise<Site[]> {
    const records = await WidgetSite.find().sort({ createdAt: 1 }).lean<SiteRecord[]>();
    return records.map(asSite);
  },

  /** One `_id` lookup; anything that is not a key's shape is not looked up at all. */
  async find(key: unknown): Promise<Site | undefined> {
    if (typeof key !== 'string' || !SITE_KEY_PATTERN.test(key)) return undefined;
    const record = await WidgetSite.findById(key).lean<SiteRecord>();
    return record ? asSite(record) : undefined;
  },

  /** Removing a site stops its widget at once: frames refuse, and its visitors' tokens no longer sign in. */
  async remove(key: string): Promise<Site> {
    const site = await siteService.find(key);
    if (!site) throw new NotFoundError(`No site with the key ${key}.`);
    await WidgetSite.deleteOne({ _id: site.key });
    return site;
  },
};
