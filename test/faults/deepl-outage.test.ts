import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TranslationRetry } from '../../client/chat/translations.js';
import { Message } from '../../src/conversations/message.model.js';
import type { ChatMessage } from '../../src/contract/chat.js';
import { createTranslationFeature } from '../../src/translation/index.js';
import { composeTestApp, memoryLogger, testConfig } from '../support/app.js';
import { createCustomer, createRep } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { startDeeplServer, type DeeplFault, type DeeplServer } from '../support/deepl-server.js';
import { startRealtimeServer } from '../realtime/socket-harness.js';
import {
  newClientId,
  openChat,
  pageTranslations,
  translatable,
  type ChatConnection,
  type SignedIn,
  type Translation,
} from '../support/chat-users.js';

useTestDatabase('faults_deepl');

let deepl: DeeplServer;
let server: Awaited<ReturnType<typeof startRealtimeServer>>;
let rep: SignedIn;
let customerChat: ChatConnection;
let repChat: ChatConnection;
let conversationId: string;

beforeAll(async () => {
  deepl = await startDeeplServer();
  // A short DeepL timeout and breaker cooldown keep the file quick; the behaviour is the same.
  const config = testConfig({ DEEPL_SERVER_URL: deepl.url, DEEPL_TIMEOUT_MS: '400' });
  const logger = memoryLogger().logger;
  const translation = createTranslationFeature({ config, logger, breaker: { cooldownMs: 200 } });
  server = await startRealtimeServer(composeTestApp({ config, logger, translation }));
  const [customerAccount, repAccount] = await Promise.all([createCustomer({ language: 'ES' }), createRep({ language: 'EN-US' })]);
  ({ conversationId, repSession: rep, customer: customerChat, rep: repChat } = await openChat(server, {
    customer: customerAccount,
    rep: repAccount,
  }));
});

afterAll(async () => {
  await Promise.all([customerChat?.chat.close(), repChat?.chat.close()]);
  await server?.close();
  await deepl?.close();
});

describe('when DeepL fails in the middle of a conversation', () => {
  it('then every message arrives, the rep reads originals marked untranslated, and translations follow once DeepL is back', { timeout: 40_000 }, async () => {
    const faults: DeeplFault[] = ['500', '429', '456', 'hang'];
    const translations = pageTranslations(server.url, rep, 'EN-US');
    const sent: ChatMessage[] = [];
    for (const fault of faults) {
      deepl.setFault(fault);
      const message = await customerChat.chat.send(conversationId, newClientId(fault), `Hola, mi pedido ${fault} no ha llegado`);
      sent.push(message);
      await vi.waitFor(() => expect(repChat.received.map((seen) => seen.id)).toContain(message.id));
      const shown = await translations.translate([translatable(message)]);
      expect(shown.get(message.id)).toEqual({ text: message.body, sourceLanguage: 'ES', untranslated: true });
    }

    deepl.setFault(null);
    const translated = new Map<string, Translation>();
    const retry = new TranslationRetry(translations, (results) => {
      for (const [key, result] of results) if (!result.untranslated) translated.set(key, result);
    }, 100, 400);
    for (const message of sent) retry.add(translatable(message));
    await vi.waitFor(() => expect(translated.size).toBe(sent.length), { timeout: 15_000, interval: 100 });
    retry.stop();

    for (const message of sent) expect(translated.get(message.id)?.text).toBe(`[EN] ${message.body}`);
    const stored = await Message.find({ conversationId }).lean();
    expect(stored.map((message) => message.clientId).sort()).toEqual(sent.map((message) => message.clientId).sort());
    expect(repChat.received.filter((seen) => sent.some((message) => message.id === seen.id))).toHaveLength(sent.length);
  });
});
