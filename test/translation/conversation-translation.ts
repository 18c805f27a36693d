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
    // Reading it as the other side does joins the call in flight (or hits the memory): once this
    // answers, the translation is remembered and counted.
    const { formality } = await feature.conversations.getForUser(rep, conversation.id);
    const reader = author.role === 'rep' ? { language: customer.language, register: formality } : { language: rep.language, register: undefined };
    await translation.service.translate([message.body], reader.language, message.language, { register: reader.register });
    return message;
  }
  return { config, translation, feature, customer, rep, conversationId: conversation.id, send };
}
