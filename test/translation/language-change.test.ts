import { describe, expect, it, vi } from 'vitest';
import { UserModel } from '../../src/auth/user.model.js';
import { Conversation } from '../../src/conversations/conversation.model.js';
import { csrfToken } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { openChatPages } from './chat-pages.js';
import { useDeeplServer } from './local-deepl.js';

useTestDatabase('language_change');

describe('language changes: a customer writing in another language than declared', () => {
  const deepl = useDeeplServer();

  const chatPage = (env: NodeJS.ProcessEnv = {}) => openChatPages(deepl, env);

  const suggestion = async (id: string) => (await Conversation.findById(id).lean())?.languageSuggestion ?? null;

  it('when two messages in a row are Portuguese from a Spanish customer, then they are asked in Portuguese, the rep sees a badge, and accepting switches their language and clears it', async () => {
    const chat = await chatPage();
    await chat.send.rep('Hello, how can I help you?');

    await chat.send.customer('Olá, a minha encomenda não chegou');
    await vi.waitFor(async () => expect((await Conversation.findById(chat.id).lean())?.detectedStreak).toBe(1), { timeout: 5_000 });
    expect(await suggestion(chat.id)).toBeNull();
    await chat.send.customer('Ainda não chegou, obrigado');
    await vi.waitFor(async () => expect(await suggestion(chat.id)).toBe('PT'), { timeout: 5_000 });

    const page = await chat.customerAgent.get(`/conversations/${chat.id}`);
    expect(page.text).toContain('data-part="language-prompt"');
    expect(page.text).toContain('[PT] You seem to be writing in Portuguese. Would you like to read the replies in Portuguese?');
    expect((await chat.repAgent.get(`/conversations/${chat.id}`)).text).toContain('data-part="language-badge"');
    const live = await chat.customerAgent.get(`/conversations/${chat.id}/language-prompt`).set('Accept', 'application/json');
    expect(live.body.prompt).toMatchObject({ language: 'PT-BR', question: expect.stringContaining('[PT] You seem to be writing in Portuguese') });
    expect((await chat.repAgent.get(`/conversations/${chat.id}/language-prompt`).set('Accept', 'application/json')).status).toBe(403);

    const accepted = await chat.customerAgent.post(`/conversations/${chat.id}/language`).set('Accept', 'text/html').type('form').send({ _csrf: chat.customerToken, answer: 'PT-BR' });

    expect(accepted.status).toBe(303);
    expect((await UserModel.findById(chat.customer.user.id).lean())?.language).toBe('PT-BR');
    expect((await Conversation.findById(chat.id).lean())?.customer.language).toBe('PT-BR');
    expect(await suggestion(chat.id)).toBeNull();
    expect((await chat.repAgent.get(`/conversations/${chat.id}`)).text).not.toContain('data-part="language-badge"');
    expect((await chat.customerAgent.get(`/conversations/${chat.id}`)).text).not.toContain('data-part="language-prompt"');
  });

  it('when a Portuguese message is followed by a Spanish one, then nobody is asked; declining a suggestion keeps the language', async () => {
    const chat = await chatPage();
    await chat.send.rep('Hello, how can I help you?');
    await chat.send.customer('Olá, a minha encomenda não chegou');
    await vi.waitFor(async () => expect((await Conversation.findById(chat.id).lean())?.detectedStreak).toBe(1), { timeout: 5_000 });
    await chat.send.customer('Mi pedido no ha llegado');
    await vi.waitFor(async () => expect((await Conversation.findById(chat.id).lean())?.detectedLanguage).toBeNull(), { timeout: 5_000 });
    expect(await suggestion(chat.id)).toBeNull();

    await Conversation.updateOne({ _id: chat.id }, { $set: { languageSuggestion: 'PT' } });
    const declined = await chat.customerAgent.post(`/conversations/${chat.id}/language`).set('Accept', 'text/html').type('form').send({ _csrf: chat.customerToken, answer: 'keep' });

    expect(declined.status).toBe(303);
    expect((await UserModel.findById(chat.customer.user.id).lean())?.language).toBe('ES');
    expect(await suggestion(chat.id)).toBeNull();
  });

  it('when a rep answers the language question or a customer sends an unknown language, then it is refused', async () => {
    const chat = await chatPage();
    const repToken = await csrfToken(chat.repAgent, '/support');
    expect((await chat.repAgent.post(`/conversations/${chat.id}/language`).set('Accept', 'text/html').type('form').send({ _csrf: repToken, answer: 'keep' })).status).toBe(403);
    expect((await chat.customerAgent.post(`/conversations/${chat.id}/language`).set('Accept', 'text/html').type('form').send({ _csrf: chat.customerToken, answer: 'XX' })).status).toBe(400);
  });

  it('when a customer and a rep change their language on the account page, then their accounts and the open conversation follow', async () => {
    const chat = await chatPage();
    await chat.send.rep('Hello, how can I help you?');
    const account = await chat.customerAgent.get('/account');
    expect(account.text).toContain('data-part="language-setting"');
    expect(account.text).toContain('<option value="PT-BR"');

    const changed = await chat.customerAgent.post('/account/language').type('form').send({ _csrf: chat.customerToken, language: 'de' });
    const repChanged = await chat.repAgent.post('/account/language').type('form').send({ _csrf: chat.repToken, language: 'FR' });
    const refused = await chat.customerAgent.post('/account/language').set('Accept', 'application/json').type('form').send({ _csrf: chat.customerToken, language: 'XX' });

    expect([changed.status, repChanged.status, refused.status]).toEqual([303, 303, 400]);
    expect((await UserModel.findById(chat.customer.user.id).lean())?.language).toBe('DE');
    const stored = await Conversation.findById(chat.id).lean();
    expect(stored?.customer.language).toBe('DE');
    expect(stored?.reps.map((rep) => rep.language)).toEqual(['FR']);
  });
});
