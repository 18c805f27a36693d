import mongoose, { Schema, type Model, type Types } from 'mongoose';

/**
 * A person chatting from the widget on a site, without an account. Like a phone customer it lives
 * outside the users collection (no username or password: it can never log in to Parley); its id
 * is the conversation's customer id.
 */
export interface VisitorRecord {
  _id: Types.ObjectId;
  siteKey: string;
  displayName: string;
  email: string | null;
  language: string;
  /** The host site's own user id, when the site vouched for it with an HMAC. */
  externalId: string | null;
  createdAt: Date;
}

/** A widget's identity token, kept as its SHA-256 (`_id`), so a database leak reveals no token. */
export interface VisitorTokenRecord {
  _id: string;
  visitorId: Types.ObjectId;
  siteKey: string;
  createdAt: Date;
}

/** `${siteKey} ${externalId}` → the visitor: an identified customer is one visitor on every device. */
export interface VisitorIdentityRecord {
  _id: string;
  visitorId: Types.ObjectId;
}

const visitorSchema = new Schema<VisitorRecord>(
  {
    siteKey: { type: String, required: true },
    displayName: { type: String, required: true },
    email: { type: String, default: null },
    language: { type: String, required: true },
    externalId: { type: String, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

const tokenSchema = new Schema<VisitorTokenRecord>(
  {
    _id: { type: String, required: true },
    visitorId: { type: Schema.Types.ObjectId, required: true },
    siteKey: { type: String, required: true },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);

const identitySchema = new Schema<VisitorIdentityRecord>(
  { _id: { type: String, required: true }, visitorId: { type: Schema.Types.ObjectId, required: true } },
  { versionKey: false },
);

export const WidgetVisitor: Model<VisitorRecord> =
  (mongoose.models.WidgetVisitor as Model<VisitorRecord> | undefined) ?? mongoose.model<VisitorRecord>('WidgetVisitor', visitorSchema, 'widget_visitors');
export const WidgetVisitorToken: Model<VisitorTokenRecord> =
  (mongoose.models.WidgetVisitorToken as Model<VisitorTokenRecord> | undefined) ??
  mongoose.model<VisitorTokenRecord>('WidgetVisitorToken', tokenSchema, 'widget_visitor_tokens');
export const WidgetVisitorIdentity: Model<VisitorIdentityRecord> =
  (mongoose.models.WidgetVisitorIdentity as Model<VisitorIdentityRecord> | undefined) ??
  mongoose.model<VisitorIdentityRecord>('WidgetVisitorIdentity', identitySchema, 'widget_visitor_identities');
