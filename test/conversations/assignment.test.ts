import { beforeAll, describe, expect, it } from 'vitest';
import type { ConversationPage, ConversationSummary, HistoryPage } from '../../src/contract/chat.js';
import { dictionaryKey } from '../support/deepl-server.js';
import { buildTestApp, testConfig } from '../support/app.js';
import { createCustomer, createRep, csrfToken, loginAgent, type TestAccount, type TestAgent } from '../support/auth.js';
import { useTestDatabase } from '../support/database.js';
import { useDeeplServer } from '../translation/local-deepl.js';

useTestDatabase('assignment');
const deepl = useDeeplServer();

interface Rep {
  account: TestAccount;
  agent: TestAgent;
  csrf: string;
}

let app: ReturnType<typeof buildTestApp>;
let rosa: Rep;
let ahmed: Rep;

async function signedInRep(username: string): Promise<Rep> {
  const account = await createRep({ username, language: 'EN-US' });
  const agent = await loginAgent(app, { role: 'rep', ...account });
  return { account, agent, csrf: await csrfToken(agent) };
}

async function customerWithConversation(): Promise<{ agent: TestAgent; csrf: string; id: string }> {
  const agent = await loginAgent(app, { role: 'customer', ...(await createCustomer({ language: 'ES' })) });
  const csrf = await csrfToken(agent);
  const res = await agent.post('/conversations').type('form').send({ _csrf: csrf });
  return { agent, csrf, id: res.headers.location!.split('/').pop()! };
}

const queue = async (rep: Rep, view: string) =>
  (await rep.agent.get(`/api/conversations?view=${view}`).set('Accept', 'application/json')).body as ConversationPage;
const ids = (page: ConversationPage) => page.conversations.map((row) => row.id);
const summaryOf = async (agent: TestAgent, id: string) =>
  ((await agent.get(`/api/conversations/${id}`).set('Accept', 'application/json')).body as { conversation: ConversationSummary }).conversation;
const historyOf = async (agent: TestAgent, id: string) => (await agent.get(`/api/conversations/${id}/messages`)).body as HistoryPage;
const join = (rep: Rep, id: string) => rep.agent.post(`/support/${id}/join`).type('form').send({ _csrf: rep.csrf });
const handOver = (rep: Rep, id: string, body: Record<string, string>) =>
  rep.agent.post(`/api/conversations/${id}/hand-over`).set('x-csrf-token', rep.csrf).send(body);
const setAvailability = (rep: Rep, availability: string) =>
  rep.agent.post('/support/availability').set('x-csrf-token', rep.csrf).set('Accept', 'application/json').send({ availability });

beforeAll(async () => {
  app = buildTestApp({ config: testConfig({ DEEPL_SERVER_URL: deepl.url, DEEPL_AUTH_KEY: 'assignment-key' }) });
  rosa = await signedInRep(`rosa_${Date.now().toString(36)}`);
  ahmed = await signedInRep(`ahmed_${Date.now().toString(36)}`);
});

describe('ownership of conversations', () => {
  it('when a rep joins an unassigned conversation, then it moves from Unassigned to their Mine', async () => {
    const customer = await customerWithConversation();
    expect(ids(await queue(rosa, 'unassigned'))).toContain(customer.id);
    expect(ids(await queue(rosa, 'mine'))).not.toContain(customer.id);

    expect((await join(rosa, customer.id)).status).toBe(303);

    const mine = await queue(rosa, 'mine');
    expect(ids(mine)).toContain(customer.id);
    expect(ids(await queue(rosa, 'unassigned'))).not.toContain(customer.id);
    expect(ids(await queue(ahmed, 'mine'))).not.toContain(customer.id);
    expect(ids(await queue(ahmed, 'all'))).toContain(customer.id);
    expect(mine.counts?.mine).toBe(mine.conversations.length);
    expect((await summaryOf(rosa.agent, customer.id)).assignee).toMatchObject({ id: rosa.account.user.id, handedOverBy: null });
    const page = await rosa.agent.get('/support?view=mine');
    expect(page.text).toMatch(new RegExp(`data-conversation-id="${customer.id}"[\\s\\S]*?data-part="owner">Yours<`));
    expect((await ahmed.agent.get('/support?view=unassigned')).text).not.toContain(`data-conversation-id="${customer.id}"`);
    // Taking a conversation writes no line: the customer meets the rep with their first answer.
    expect((await historyOf(customer.agent, customer.id)).messages).toEqual([]);
  });

  it('when a second rep joins a conversation someone owns, then the owner stays and the second rep only takes part', async () => {
    const customer = await customerWithConversation();
    await join(rosa, customer.id);

    expect((await join(ahmed, customer.id)).status).toBe(303);

    expect((await summaryOf(ahmed.agent, customer.id)).assignee?.id).toBe(rosa.account.user.id);
    expect((await summaryOf(ahmed.agent, customer.id)).repIds).toContain(ahmed.account.user.id);
    expect((await historyOf(customer.agent, customer.id)).messages).toEqual([]);
  });

  it('when the owner hands over with a note, then the colleague owns it, and the customer reads the line in Spanish but never the note or the owner', async () => {
    const line = `You are now talking to ${ahmed.account.username}`;
    deepl.translations.set(dictionaryKey(line, 'ES'), `Ahora está hablando con ${ahmed.account.username}`);
    const customer = await customerWithConversation();
    await join(rosa, customer.id);

    const res = await handOver(rosa, customer.id, { repId: ahmed.account.user.id, note: 'Wants a refund, order 1234' });

    expect(res.status).toBe(200);
    expect(res.body.conversation.assignee).toMatchObject({ id: ahmed.account.user.id, handedOverBy: rosa.account.username, note: 'Wants a refund, order 1234' });
    expect(ids(await queue(ahmed, 'mine'))).toContain(customer.id);
    expect(ids(await queue(rosa, 'mine'))).not.toContain(customer.id);
    await expect.poll(async () => (await historyOf(customer.agent, customer.id)).messages.map((m) => [m.kind, m.body])).toEqual([['system', line]]);
    // Translated on write into the customer's language; their page reads it from the memory.
    await expect.poll(() => deepl.translateLog.some((call) => call.targetLang === 'ES' && call.text.includes(line))).toBe(true);
    const requests = deepl.translateRequests;
    const read = await customer.agent.post('/translate').set('x-csrf-token', customer.csrf).send({ texts: [line], target_lang: 'ES', source_lang: 'EN-US', formality: 'default' });
    expect(read.body.translations[0].text).toBe(`Ahora está hablando con ${ahmed.account.username}`);
    expect(deepl.translateRequests).toBe(requests);
    const seenByCustomer = JSON.stringify([await summaryOf(customer.agent, customer.id), await historyOf(customer.agent, customer.id)]);
    expect(seenByCustomer).not.toContain('refund');
    expect(seenByCustomer).not.toContain('assignee');
    const page = await customer.agent.get(`/conversations/${customer.id}`);
    expect(page.text).not.toContain('refund');
    expect(page.text).not.toContain('data-part="customer-panel"');
  });

  it('when a customer or a rep without a CSRF token tries to hand over, then it is refused and nothing changes', async () => {
    const customer = await customerWithConversation();
    await join(rosa, customer.id);

    const byCustomer = await customer.agent.post(`/api/conversations/${customer.id}/hand-over`).set('x-csrf-token', customer.csrf).send({ repId: ahmed.account.user.id });
    const byForm = await customer.agent.post(`/conversations/${customer.id}/hand-over`).type('form').send({ _csrf: customer.csrf, repId: ahmed.account.user.id });
    const withoutToken = await rosa.agent.post(`/api/conversations/${customer.id}/hand-over`).send({ repId: ahmed.account.user.id });

    expect([byCustomer.status, byForm.status, withoutToken.status]).toEqual([403, 403, 403]);
    expect((await summaryOf(rosa.agent, customer.id)).assignee?.id).toBe(rosa.account.user.id);
  });

  it('when a rep who does not own the conversation hands it over, then it is refused', async () => {
    const customer = await customerWithConversation();
    await join(rosa, customer.id);

    const res = await handOver(ahmed, customer.id, { repId: ahmed.account.user.id });

    expect(res.status).toBe(403);
    expect((await summaryOf(rosa.agent, customer.id)).assignee?.id).toBe(rosa.account.user.id);
  });

  it('when the colleague is away, then nothing is handed to them until they are available again, and the team shows it', async () => {
    const customer = await customerWithConversation();
    await join(rosa, customer.id);
    const away = await setAvailability(ahmed, 'away');
    expect(away.status).toBe(200);
    expect(away.body.team).toContainEqual(expect.objectContaining({ id: ahmed.account.user.id, availability: 'away' }));

    const refused = await handOver(rosa, customer.id, { repId: ahmed.account.user.id });
    expect(refused.status).toBe(409);
    expect(refused.body.error.fields.repId).toContain('away');
    expect((await summaryOf(rosa.agent, customer.id)).assignee?.id).toBe(rosa.account.user.id);
    const dashboard = await rosa.agent.get('/support');
    expect(dashboard.text).toMatch(new RegExp(`data-rep-id="${ahmed.account.user.id}" data-availability="away"`));

    await setAvailability(ahmed, 'available');
    expect((await handOver(rosa, customer.id, { repId: ahmed.account.user.id })).status).toBe(200);
  });

  it('when the hand-over names nobody valid, then it answers per field and nothing changes', async () => {
    const customer = await customerWithConversation();
    await join(rosa, customer.id);
    const notARep = await handOver(rosa, customer.id, { repId: customer.id });
    const toSelf = await handOver(rosa, customer.id, { repId: rosa.account.user.id });
    const junk = await handOver(rosa, customer.id, { repId: 'x', note: 'y'.repeat(501) });

    expect([notARep.status, toSelf.status, junk.status]).toEqual([400, 400, 400]);
    expect(Object.keys(junk.body.error.fields).sort()).toEqual(['note', 'repId']);
    expect((await rosa.agent.get('/api/conversations?view=everything').set('Accept', 'application/json')).status).toBe(400);
  });
});
