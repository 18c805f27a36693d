// Loaded only on pages that use the Twilio transport (a separate bundle chunk), so the built-in
// transport never downloads the SDK.
import { Client } from '@twilio/conversations';
import type { CreateTwilioClient } from './twilio-sdk.js';

export const createTwilioClient: CreateTwilioClient = (token) => Client.create(token);
