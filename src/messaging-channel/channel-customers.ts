import mongoose from 'mongoose';
import type { User } from '../contract/chat.js';
import { isDuplicateKeyError } from '../lib/errors.js';
import { channelOf, maskedName } from './addresses.js';
import { ChannelCustomer, type ChannelCustomerRecord } from './channel-customer.model.js';

export type ChannelCustomerView = ChannelCustomerRecord & { id: string };

const asView = (record: ChannelCustomerRecord): ChannelCustomerView => ({ ...record, id: record._id.toString() });

/** The customer as the message pipeline knows any author. */
export function authorOf(customer: ChannelCustomerView): User {
  return { id: customer.id, username: customer.displayName, role: 'customer', language: customer.language };
}

/** Phone customers: one record per address, created on their first message. */
export const channelCustomers = {
  async findById(id: string): Promise<ChannelCustomerView | undefined> {
    if (!mongoose.isValidObjectId(id)) return undefined;
    const found = await ChannelCustomer.findById(id).lean<ChannelCustomerRecord>();
    return found ? asView(found) : undefined;
  },

  /** The record for this address; two first messages at once create it once (unique address). */
  async findOrCreate(address: string, ourAddress: string, language: string): Promise<{ customer: ChannelCustomerView; created: boolean }> {
    const existing = await ChannelCustomer.findOne({ address }).lean<ChannelCustomerRecord>();
    if (existing) return { customer: asView(existing), created: false };
    try {
      const created = await ChannelCustomer.create({ address, ourAddress, channel: channelOf(address), displayName: maskedName(address), language });
      return { customer: asView(created.toObject()), created: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const winner = await ChannelCustomer.findOne({ address }).lean<ChannelCustomerRecord>();
      if (!winner) throw error;
      return { customer: asView(winner), created: false };
    }
  },

  async setLanguage(id: string, language: string, source: ChannelCustomerRecord['languageSource']): Promise<void> {
    await ChannelCustomer.updateOne({ _id: id }, { $set: { language, languageSource: source } });
  },

  /** STOP sets it, START clears it; the latest number they wrote to is where answers come from. */
  async setOptedOut(id: string, optedOut: boolean): Promise<void> {
    await ChannelCustomer.updateOne({ _id: id }, { $set: { optedOutAt: optedOut ? new Date() : null } });
  },

  async setOurAddress(id: string, ourAddress: string): Promise<void> {
    await ChannelCustomer.updateOne({ _id: id }, { $set: { ourAddress } });
  },
};
