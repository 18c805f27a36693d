import { expect, vi } from 'vitest';
import { createConversationsFeature } from '../../src/conversations/index.js';
import type { User } from '../../src/contract/chat.js';
import { createTranslationFeature, type TranslationFeatureOptions } from '../../src/translation/index.js';
import { memoryLogger, testConfig } from '../support/app.js';
import { createCustomer, createRep } from '../support/auth.js';
import type { DeeplServer } from '../support/deepl-server.js';

/**
 * The conversations feature translating on write through the local DeepL, a customer (in
 * `customerLanguage`) and a rep (EN-US) in one conversation, and a way to send as either.
 */
export async function conversationWithTranslation(
  deepl: DeeplServer,
  options: { customerLanguage?: string; env?: NodeJS.ProcessEnv; translation?: Partial<Omit<TranslationFeatureOptions, 'config' | 'logger'>> } = {},
) {
  const config = testConfig({ DEEPL_SERVER_URL: deepl.url, DEEPL_TIMEOUT_MS: '2000', ...options.env });
  const { logger } = memoryLogger('debug');
  const translation = createTranslationFeature({ config, logger, glossaryRefreshMs: 0, ...options.translation });
  const feature = createConversationsFeature({ config, logger, translations: translation.service });
  const customer = (await createCustomer({ language: options.customerLanguage ?? 'DE' })).user;
  const rep = (await createRep({ language: 'EN-US' })).user;
  const { conversation } = await feature.conversations.startOrResume(customer);
  let sent = 0;
  /** Sends and waits until the translation on write reached DeepL (one request per new text). */
  async function send(author: User, body: string, expectRequest = true) {
    const before = deepl.translateLog.length;
    sent += 1;
    const { message } = await feature.messaging.send(author, { conversationId: conversation.id, clientId: `m-${sent}-${Date.now()}`, body });
    if (expectRequest) await vi.waitFor(() => expect(deepl.translateLog.length).toBeGreaterThan(before), { timeout: 5_000 });
    return message;
  }
  return { config, translation, feature, customer, rep, conversationId: conversation.id, send };
}
