import { describe, expect, it, vi } from 'vitest';
import { Translations } from '../../client/chat/translations.js';
import { useTestDatabase } from '../support/database.js';
import { openChatPages } from './chat-pages.js';
import { useDeeplServer } from './local-deepl.js';

useTestDatabase('formality_switch');

describe('formality: the per-conversation switch', () => {
  const deepl = useDeeplServer();

  it('when a rep flips a German customer\'s conversation to informal, then the next message carries prefer_less and the customer\'s page reads it from the memory', async () => {
    const chat = await openChatPages(deepl, { TRANSLATION_FORMALITY: 'DE=prefer_more' }, 'DE');
    const flipped = await chat.repAgent
      .post(`/conversations/${chat.id}/formality`)
      .set('Accept', 'application/json')
      .set('x-csrf-token', chat.repToken)
      .send({ formality: 'informal' });
    expect(flipped.status).toBe(200);
    expect(flipped.body.conversation.formality).toBe('informal');

    const text = `Thanks for your patience ${Date.now()}`;
    await chat.send.rep(text);
    await vi.waitFor(() => expect(deepl.translateLog.at(-1)).toMatchObject({ text: [text], formality: 'prefer_less' }), { timeout: 5_000 });
    const requests = deepl.translateRequests;

    const page = new Translations('DE', async (body) => {
      const res = await chat.customerAgent.post('/translate').set('x-csrf-token', chat.customerToken).send(body);
      return res.body as Awaited<ReturnType<ConstructorParameters<typeof Translations>[1]>>;
    }, () => 'informal');
    const read = await page.translate([{ key: 'm', text, language: 'EN-US' }]);

    expect(read.get('m')?.text).toBe(`[DE informal] ${text}`);
    expect(deepl.translateRequests).toBe(requests);
  });

  it('when a customer or an unknown register asks to switch, then it is refused', async () => {
    const chat = await openChatPages(deepl);
    const asCustomer = await chat.customerAgent.post(`/conversations/${chat.id}/formality`).set('Accept', 'application/json').set('x-csrf-token', chat.customerToken).send({ formality: 'formal' });
    const unknown = await chat.repAgent.post(`/conversations/${chat.id}/formality`).set('Accept', 'application/json').set('x-csrf-token', chat.repToken).send({ formality: 'rude' });

    expect(asCustomer.status).toBe(403);
    expect(unknown.status).toBe(400);
  });
});
