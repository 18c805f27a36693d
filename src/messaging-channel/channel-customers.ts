import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import type { User } from '../contract/chat.js';
import { isDuplicateKeyError } from '../lib/errors.js';
import { channelOf, maskedName } from './addresses.js';
import { ChannelCustomer, type ChannelCustomerRecord } from './channel-customer.model.js';

export type ChannelCustomerView = ChannelCustomerRecord & { id: string };

const asView = (record: ChannelCustomerRecord): ChannelCustomerView => ({ ...record, id: record._id.toString() });

/** The same id for the same address, on every instance: the first 12 bytes of its SHA-256. */
export function idForAddress(address: string): mongoose.Types.ObjectId {
  return new mongoose.Types.ObjectId(createHash('sha256').update(`channel-customer:${address}`).digest().subarray(0, 12));
}

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

  /**
   * The record for this address, read by _id (FerretDB answers that from its index; a filter on
   * the address is a scan): a record's _id is derived from its address. Records made before that
   * are found by `create`'s fallback.
   */
  async findByAddress(address: string): Promise<ChannelCustomerView | undefined> {
    const found = await ChannelCustomer.findById(idForAddress(address)).lean<ChannelCustomerRecord>();
    return found ? asView(found) : undefined;
  },

  /** A first message's record; two first messages at once create it once (unique _id and address), the loser gets the winner's. */
  async create(
    address: string,
    ourAddress: string,
    language: { language: string; source: ChannelCustomerRecord['languageSource'] },
  ): Promise<{ customer: ChannelCustomerView; created: boolean }> {
    try {
      const created = await ChannelCustomer.create({
        _id: idForAddress(address), address, ourAddress, channel: channelOf(address), displayName: maskedName(address),
        language: language.language, languageSource: language.source,
      });
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
