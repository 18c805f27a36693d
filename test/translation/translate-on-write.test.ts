import { describe, expect, it, vi } from 'vitest';
import { conversationCache } from '../../src/conversations/conversation-cache.js';
import { Conversation } from '../../src/conversations/conversation.model.js';
import { messageStore } from '../../src/conversations/message.store.js';
import { useTestDatabase } from '../support/database.js';
import { conversationWithTranslation } from './conversation-translation.js';
import { useDeeplServer } from './local-deepl.js';

useTestDatabase('translate_on_write');

describe('translation on write: context and formality', () => {
  const deepl = useDeeplServer();

  it('when a message follows others, then DeepL gets them as context, bills the message alone, and reading it again asks nothing', async () => {
    const chat = await conversationWithTranslation(deepl, { customerLanguage: 'DE' });
    await chat.send(chat.rep, 'Your parcel left our warehouse on Monday.');
    await chat.send(chat.rep, 'It should arrive by Thursday.');
    const charactersBefore = deepl.characters;

    const reply = await chat.send(chat.rep, 'Same here');

    const call = deepl.translateLog.at(-1);
    expect(call?.text).toEqual(['Same here']);
    expect(call?.context).toBe('Your parcel left our warehouse on Monday.\nIt should arrive by Thursday.');
    expect(deepl.characters - charactersBefore).toBe('Same here'.length);
    const requests = deepl.translateRequests;
    const read = await chat.translation.service.translate([reply.body], 'DE', reply.language, { register: 'default' });
    expect(read.translations[0]?.text).toBe('[DE +context] Same here');
    expect(deepl.translateRequests).toBe(requests);
  });

  it('when the configured register is formal, then reps\' messages to a German customer carry prefer_more and the customer\'s own do not', async () => {
    const chat = await conversationWithTranslation(deepl, { customerLanguage: 'DE', env: { TRANSLATION_FORMALITY: 'DE=prefer_more' } });

    await chat.send(chat.rep, 'How can I help you today?');
    await chat.send(chat.customer, 'Mein Paket ist nicht angekommen');

    const [toCustomer, toRep] = deepl.translateLog.slice(-2);
    expect(toCustomer).toMatchObject({ targetLang: 'DE', formality: 'prefer_more' });
    expect(toRep?.targetLang).toBe('EN-US');
    expect(toRep?.formality).toBeUndefined();
  });

  it('when a rep flips the conversation to informal, then the next request carries prefer_less and the formal translation is not served for it', async () => {
    const chat = await conversationWithTranslation(deepl, { customerLanguage: 'DE', env: { TRANSLATION_FORMALITY: 'DE=prefer_more' } });
    const text = `Thank you for waiting ${Date.now()}`;
    await chat.send(chat.rep, text);
    expect(deepl.translateLog.at(-1)?.formality).toBe('prefer_more');

    await chat.feature.conversations.setFormality(chat.rep, chat.conversationId, 'informal');
    await chat.send(chat.rep, text);

    expect(deepl.translateLog.at(-1)).toMatchObject({ text: [text], formality: 'prefer_less' });
    const read = await chat.translation.service.translate([text], 'DE', 'EN-US', { register: 'informal' });
    expect(read.translations[0]?.text).toBe(`[DE informal +context] ${text}`);
  });

  it('when the target has no formal register, then no formality is sent even when the conversation is formal', async () => {
    const chat = await conversationWithTranslation(deepl, { customerLanguage: 'DA' });
    await chat.feature.conversations.setFormality(chat.rep, chat.conversationId, 'formal');

    await chat.send(chat.rep, 'Welcome to support');

    expect(deepl.translateLog.at(-1)).toMatchObject({ targetLang: 'DA', formality: undefined });
  });
  it('when a conversation\'s first message is translated on write, then no earlier messages are read for context; the next one reads them by the ids the conversation lists, without a query', async () => {
    const chat = await conversationWithTranslation(deepl, { customerLanguage: 'DE' });
    await chat.feature.conversations.join(chat.rep, chat.conversationId);
    const pages = vi.spyOn(messageStore, 'page');
    const listed = vi.spyOn(messageStore, 'listedBefore');
    const [first, next] = [`Mein Paket ${Date.now()} ist nicht da`, `Wo ist es ${Date.now()}?`];
    try {
      await chat.send(chat.customer, first);
      expect(listed).not.toHaveBeenCalled();
      expect(deepl.translateLog.at(-1)?.context).toBeUndefined();

      await chat.send(chat.customer, next);
      expect(listed).toHaveBeenCalledTimes(1);
      expect(pages).not.toHaveBeenCalled();
      expect(deepl.translateLog.at(-1)?.context).toBe(first);
    } finally {
      pages.mockRestore();
      listed.mockRestore();
    }
  });

  it('when a conversation from before the list of newest ids gets a message, then its context is queried as before', async () => {
    const chat = await conversationWithTranslation(deepl, { customerLanguage: 'DE' });
    await chat.feature.conversations.join(chat.rep, chat.conversationId);
    const first = `Mein Paket ${Date.now()} ist nicht da`;
    await chat.send(chat.customer, first);
    await Conversation.updateOne({ _id: chat.conversationId }, { $set: { recentIds: [], recentIdsComplete: false } });
    conversationCache.forget(chat.conversationId);
    const pages = vi.spyOn(messageStore, 'page');
    try {
      await chat.send(chat.customer, `Wo ist es ${Date.now()}?`);
      expect(pages).toHaveBeenCalledWith(chat.conversationId, expect.objectContaining({ limit: 3 }));
      expect(deepl.translateLog.at(-1)?.context).toBe(first);
    } finally {
      pages.mockRestore();
    }
  });
});
