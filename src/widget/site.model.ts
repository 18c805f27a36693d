import mongoose, { Schema, type Model } from 'mongoose';

/**
 * A website allowed to show the chat widget. The key is the `_id` (looked up on every frame and
 * widget request, and FerretDB uses indexes only for `_id`); the secret signs visitors' ids for
 * identity verification and never leaves the server except once, to the admin who adds the site.
 */
export interface SiteRecord {
  _id: string;
  /** `https://shop.example`: the only origin that may frame the widget and call its API. */
  origin: string;
  secret: string;
  createdAt: Date;
}

const siteSchema = new Schema<SiteRecord>(
  {
    _id: { type: String, required: true },
    origin: { type: String, required: true, unique: true },
    secret: { type: String, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

export const WidgetSite: Model<SiteRecord> =
  (mongoose.models.WidgetSite as Model<SiteRecord> | undefined) ?? mongoose.model<SiteRecord>('WidgetSite', siteSchema, 'widget_sites');
