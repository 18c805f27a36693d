import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from '../support/app.js';
import { createCustomer, createRep, csrfToken, loginAgent, type TestAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';

useTestDatabase('refusal_messages');

let app: ReturnType<typeof buildTestApp>;
let rep: TestAgent;
let repCsrf: string;
let repId: string;

beforeAll(async () => {
  app = buildTestApp();
  const account = await createRep({ language: 'ES' });
  repId = account.user.id;
  rep = await loginAgent(app, { role: 'rep', ...account });
  repCsrf = await csrfToken(rep);
});

async function joinedConversation(): Promise<string> {
  const customer = await loginAgent(app, { role: 'customer', ...(await createCustomer()) });
  const created = await customer.post('/conversations').type('form').send({ _csrf: await csrfToken(customer) });
  const id = created.headers.location?.split('/').pop() ?? '';
  await rep.post(`/support/${id}/join`).type('form').send({ _csrf: repCsrf });
  return id;
}

describe('refusals a rep reads, in the rep’s language', () => {
  it('when a Spanish-speaking rep hands a conversation to themselves, then the refusal and its field are in Spanish', async () => {
    const id = await joinedConversation();
    const refused = await rep.post(`/api/conversations/${id}/hand-over`).set('x-csrf-token', repCsrf).send({ repId });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe('Elige a un compañero, no a ti.');
    expect(refused.body.error.fields.repId).toBe('Elige a un compañero, no a ti.');
  });

  it('when a Spanish-speaking rep sends a hand-over note that is too long, then the field says so in Spanish with the limit', async () => {
    const id = await joinedConversation();
    const refused = await rep.post(`/api/conversations/${id}/hand-over`).set('x-csrf-token', repCsrf).send({ repId, note: 'x'.repeat(501) });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toBe('Ese traspaso no es válido.');
    expect(refused.body.error.fields.note).toBe('Una nota puede tener como máximo 500 caracteres.');
  });

  it('when a Spanish-speaking rep saves a reply without a name, then the form says so in Spanish', async () => {
    const refused = await rep.post('/saved-replies').set('Accept', 'text/html').type('form').send({ name: '', body: 'Hola', _csrf: repCsrf });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Dale a la respuesta un nombre corto.');
    expect(refused.text).not.toContain('Give the reply a short name.');
  });
});
