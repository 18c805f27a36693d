import { describe, expect, it, vi } from 'vitest';
import { useTestDatabase } from '../support/database.js';
import { openChatPages } from '../translation/chat-pages.js';

/** The rep joins first, so the customer's messages are translated for them on write. */
async function joinedChat(...args: Parameters<typeof openChatPages>) {
  const chat = await openChatPages(...args);
  const joined = await chat.repAgent.post(`/support/${chat.id}/join`).type('form').send({ _csrf: chat.repToken });
  expect(joined.status).toBe(303);
  return chat;
}
import { useDeeplServer } from '../translation/local-deepl.js';

useTestDatabase('draft_preview');

describe('check before sending: POST /api/conversations/:id/preview', () => {
  const deepl = useDeeplServer();

  it('when a rep previews a draft, then it answers the customer\'s translation made with the conversation\'s context, and its back-translation on demand; a repeat and the sent message are memory hits', async () => {
    const chat = await joinedChat(deepl);
    await chat.send.customer('Hola');
    await vi.waitFor(() => expect(deepl.translateLog.some((call) => call.text.includes('Hola'))).toBe(true), { timeout: 5_000 });
    // Counted once DeepL answered, a moment after it received the request.
    await vi.waitFor(async () => expect((await chat.translation.usage.forConversation(chat.id)).characters).toBe('Hola'.length), { timeout: 5_000 });
    const start = { requests: deepl.translateRequests, characters: deepl.characters, log: deepl.translateLog.length };
    const before = await chat.translation.usage.forConversation(chat.id);

    const res = await chat.repAgent.post(`/api/conversations/${chat.id}/preview`).set('x-csrf-token', chat.repToken)
      .send({ text: 'I need help with my order', back: true });

    expect(res.status).toBe(200);
    expect(res.body.preview).toEqual({
      translation: { text: 'Necesito ayuda con mi pedido', language: 'ES', untranslated: false },
      back: { text: 'I need help with my order', language: 'EN-US', untranslated: false },
    });
    const [forward, backward] = deepl.translateLog.slice(start.log);
    expect(forward).toMatchObject({ text: ['I need help with my order'], targetLang: 'ES', context: 'Hola' });
    expect(backward).toMatchObject({ text: ['Necesito ayuda con mi pedido'], targetLang: 'EN-US', sourceLang: 'ES' });
    const counted = deepl.characters - start.characters;
    const after = await chat.translation.usage.forConversation(chat.id);
    expect(after.previewCharacters - before.previewCharacters).toBe(counted);
    expect(after.characters - before.characters).toBe(counted);

    const again = await chat.repAgent.post(`/api/conversations/${chat.id}/preview`).set('x-csrf-token', chat.repToken)
      .send({ text: 'I need help with my order', back: true });
    expect(again.body).toEqual(res.body);
    await chat.send.rep('I need help with my order');
    const transcript = await chat.repAgent.get(`/conversations/${chat.id}/transcript?format=json`);
    expect(transcript.body.messages.at(-1).translations.ES).toBe('Necesito ayuda con mi pedido');
    expect(deepl.translateRequests - start.requests).toBe(2);
    expect((await chat.translation.usage.forConversation(chat.id)).characters).toBe(after.characters);
  });

  it('when a conversation\'s messages and previews are translated, then its cost meter and its JSON transcript equal the characters the local DeepL counted; the customer\'s transcript has no cost', async () => {
    deepl.resetCounts();
    const chat = await joinedChat(deepl, {}, 'DE');
    await chat.send.customer(`Wo ist meine Bestellung ${Date.now()}?`);
    await vi.waitFor(() => expect(deepl.translateRequests).toBe(1), { timeout: 5_000 });
    await chat.repAgent.post(`/api/conversations/${chat.id}/preview`).set('x-csrf-token', chat.repToken).send({ text: `It ships today ${Date.now()}` });
    await chat.send.rep(`It ships today, sorry ${Date.now()}`);
    await vi.waitFor(() => expect(deepl.translateRequests).toBe(3), { timeout: 5_000 });

    await vi.waitFor(async () => {
      const transcript = await chat.repAgent.get(`/conversations/${chat.id}/transcript?format=json`);
      expect(transcript.body.translationCost.characters).toBe(deepl.characters);
    }, { timeout: 5_000 });
    expect((await chat.translation.usage.forConversation(chat.id)).characters).toBe(deepl.characters);
    const customerTranscript = await chat.customerAgent.get(`/conversations/${chat.id}/transcript?format=json`);
    expect(customerTranscript.body.translationCost).toBeUndefined();
  });

  it('when a customer asks for a preview, then 403; without a CSRF token, 403; an empty draft, 400 with a field message', async () => {
    const chat = await openChatPages(deepl);
    const start = deepl.translateRequests;

    const customer = await chat.customerAgent.post(`/api/conversations/${chat.id}/preview`).set('x-csrf-token', chat.customerToken).send({ text: 'Hola' });
    const noToken = await chat.repAgent.post(`/api/conversations/${chat.id}/preview`).send({ text: 'Hello' });
    const empty = await chat.repAgent.post(`/api/conversations/${chat.id}/preview`).set('x-csrf-token', chat.repToken).send({ text: '   ' });

    expect(customer.status).toBe(403);
    expect(noToken.status).toBe(403);
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields.text).toBe('Write something to preview.');
    expect(deepl.translateRequests).toBe(start);
  });
});
