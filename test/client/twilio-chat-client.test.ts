import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { ChatMessage, ConversationSummary } from '../../client/chat/chat-client.js';
import { ChatEvents } from '../../client/chat/chat-client.js';
import { TwilioChatClient, type ParleyApi } from '../../client/chat/twilio-chat-client.js';
import { HttpError } from '../../client/lib/http-error.js';
import type { TwilioConnectionState, TwilioMessageLike } from '../../client/chat/twilio-sdk.js';

// Stand-ins for the @twilio/conversations SDK objects: event emitters with the methods the
// adapter calls, recording what it asked for.

class StandInConversation extends EventEmitter {
  readonly sid = 'CH0001';
  state: { current: 'active' | 'inactive' | 'closed' } | undefined = { current: 'active' };
  readonly sent: { body: string; attributes: Record<string, string> }[] = [];
  readonly messages: TwilioMessageLike[] = [];
  readonly pageRequests: { pageSize?: number; anchor?: number; direction?: string }[] = [];
  sendFailure: (() => Error | undefined) | undefined;
  readonly typing = vi.fn(async () => undefined);
  readonly setAllMessagesRead = vi.fn(async () => 0);

  constructor(readonly uniqueName: string) {
    super();
  }

  async getMessages(pageSize?: number, anchor?: number, direction?: 'backwards' | 'forward') {
    this.pageRequests.push({ pageSize, anchor, direction });
    const upTo = anchor === undefined ? this.messages.length : anchor + 1;
    const start = Math.max(0, upTo - (pageSize ?? 30));
    return { items: this.messages.slice(start, upTo), hasPrevPage: start > 0 };
  }

  async sendMessage(body: string, attributes: Record<string, string>): Promise<number> {
    this.sent.push({ body, attributes });
    const failure = this.sendFailure?.();
    if (failure) throw failure;
    return this.sent.length - 1;
  }
}

class StandInClient extends EventEmitter {
  connectionState: TwilioConnectionState = 'connected';
  readonly tokens: string[] = [];
  readonly shutdown = vi.fn(async () => undefined);
  readonly conversations = new Map<string, StandInConversation>();

  constructor(firstToken: string) {
    super();
    this.tokens.push(firstToken);
  }

  async updateToken(token: string) {
    this.tokens.push(token);
    return this;
  }

  async getConversationByUniqueName(uniqueName: string) {
    const conversation = this.conversations.get(uniqueName) ?? new StandInConversation(uniqueName);
    this.conversations.set(uniqueName, conversation);
    return conversation;
  }

  setConnectionState(state: TwilioConnectionState) {
    this.connectionState = state;
    this.emit('connectionStateChanged', state);
  }
}

const rep = { id: 'rep-1', username: 'ralph', role: 'rep' as const, language: 'EN-US' };

function summaryOf(id: string): ConversationSummary {
  return {
    id,
    status: 'open',
    channel: 'web',
    customer: { id: 'cust-1', username: 'maria', language: 'ES' },
    repIds: ['rep-1'],
    lastMessagePreview: '',
    lastMessageLanguage: null,
    lastActivityAt: '2026-01-01T10:00:00.000Z',
    unread: 0,
  };
}

function sdkMessage(index: number, fields: Partial<TwilioMessageLike> = {}): TwilioMessageLike {
  return {
    sid: `IM${index}`,
    index,
    author: 'cust-1',
    body: `mensaje ${index}`,
    dateCreated: new Date(Date.UTC(2026, 0, 1, 10, index)),
    attributes: { clientId: `client-${index}`, authorName: 'maria', authorRole: 'customer', language: 'ES' },
    ...fields,
  };
}

/** Parley's API as the adapter sees it, recording calls; `failSends` answers the next sends with errors. */
function standInServer() {
  const sends: { conversationId: string; clientId: string; body: string }[] = [];
  const failSends: Error[] = [];
  const server: ParleyApi & { sends: typeof sends; failSends: Error[]; reads: string[]; histories: (string | undefined)[] } = {
    sends,
    failSends,
    reads: [],
    histories: [],
    describe: async (id) => summaryOf(id),
    history: async (_id, before) => {
      server.histories.push(before);
      return { messages: [storedMessage('db-1', 'client-old', 'antes')], hasMore: false };
    },
    send: async (conversationId, clientId, body) => {
      sends.push({ conversationId, clientId, body });
      const failure = failSends.shift();
      if (failure) throw failure;
      return storedMessage(`db-${sends.length}`, clientId, body, conversationId);
    },
    markRead: async (id) => {
      server.reads.push(id);
    },
  };
  return server;
}

function storedMessage(id: string, clientId: string, body: string, conversationId = 'conv-1'): ChatMessage {
  return { id, conversationId, clientId, authorId: 'rep-1', authorName: 'ralph', authorRole: 'rep', body, language: 'EN-US', createdAt: '2026-01-01T10:00:00.000Z' };
}

/** The dashboard's realtime feed (the socket adapter in the page). */
function standInFeed() {
  const events = new ChatEvents();
  return {
    events,
    subscribeDashboard: vi.fn(async () => [summaryOf('conv-1')]),
    on: events.on.bind(events),
    close: vi.fn(async () => undefined),
  };
}

function setup(options: { feed?: ReturnType<typeof standInFeed> } = {}) {
  let issued = 0;
  const fetchToken = vi.fn(async () => `token-${++issued}`);
  let sdk: StandInClient | undefined;
  const server = standInServer();
  const client = new TwilioChatClient({
    user: rep,
    fetchToken,
    createClient: async (token) => (sdk = new StandInClient(token)),
    server,
    dashboard: options.feed,
    retryDelayMs: () => 5,
  });
  const stand = () => {
    if (!sdk) throw new Error('the SDK client was not created');
    return sdk;
  };
  return { client, fetchToken, stand, server };
}

describe('TwilioChatClient against a stand-in SDK', () => {
  it('when the SDK adds a message, then the page receives it as a protocol ChatMessage', async () => {
    const { client, stand } = setup();
    await client.join('conv-1');
    const received: ChatMessage[] = [];
    client.on('message', (message) => received.push(message));

    stand().conversations.get('conv-1')?.emit('messageAdded', sdkMessage(3, { body: '<b>hola</b>' }));

    expect(received).toEqual([
      {
        id: 'IM3',
        conversationId: 'conv-1',
        clientId: 'client-3',
        authorId: 'cust-1',
        authorName: 'maria',
        authorRole: 'customer',
        body: '<b>hola</b>',
        language: 'ES',
        createdAt: '2026-01-01T10:03:00.000Z',
      },
    ]);
  });

  it('when a message has no attributes, then its sid stands in for the clientId and the author for the name', async () => {
    const { client, stand } = setup();
    await client.join('conv-1');
    const received: ChatMessage[] = [];
    client.on('message', (message) => received.push(message));

    stand().conversations.get('conv-1')?.emit('messageAdded', sdkMessage(0, { attributes: {}, author: 'cust-9' }));

    expect(received[0]).toMatchObject({ clientId: 'IM0', authorId: 'cust-9', authorName: 'cust-9', language: '' });
  });

  it('when a message was sent through the REST API with attributes as JSON text, then they are still read', async () => {
    const { client, stand } = setup();
    await client.join('conv-1');
    const received: ChatMessage[] = [];
    client.on('message', (message) => received.push(message));
    const attributes = JSON.stringify({ clientId: 'form-1', authorName: 'maria', authorRole: 'customer', language: 'ES' });

    stand().conversations.get('conv-1')?.emit('messageAdded', sdkMessage(4, { attributes }));

    expect(received[0]).toMatchObject({ clientId: 'form-1', authorName: 'maria', language: 'ES' });
  });

  it('when a participant starts typing, then the page gets a typing event with the name it knows', async () => {
    const { client, stand } = setup();
    await client.join('conv-1');
    const conversation = stand().conversations.get('conv-1');
    conversation?.emit('messageAdded', sdkMessage(0));
    const typing: unknown[] = [];
    client.on('typing', (event) => typing.push(event));

    conversation?.emit('typingStarted', { identity: 'cust-1', attributes: {} });

    expect(typing).toEqual([{ conversationId: 'conv-1', userId: 'cust-1', username: 'maria' }]);
  });

  it('when Twilio closes the conversation, then conversationUpdated and a single conversationClosed follow', async () => {
    const { client, stand } = setup();
    const joined = await client.join('conv-1');
    expect(joined.status).toBe('open');
    const updates: string[] = [];
    const closed: string[] = [];
    client.on('conversationUpdated', (summary) => updates.push(summary.status));
    client.on('conversationClosed', (summary) => closed.push(summary.id));
    const conversation = stand().conversations.get('conv-1');
    if (!conversation) throw new Error('not joined');

    conversation.state = { current: 'closed' };
    conversation.emit('updated', { conversation, updateReasons: ['state'] });
    conversation.emit('updated', { conversation, updateReasons: ['attributes'] });

    expect(updates).toEqual(['closed', 'closed']);
    expect(closed).toEqual(['conv-1']);
  });

  it('when the token is about to expire or has expired, then a fresh one is fetched and handed to updateToken', async () => {
    const { client, fetchToken, stand } = setup();
    await client.join('conv-1');
    expect(stand().tokens).toEqual(['token-1']);

    stand().emit('tokenAboutToExpire');
    await vi.waitFor(() => expect(stand().tokens).toEqual(['token-1', 'token-2']));
    stand().emit('tokenExpired');
    await vi.waitFor(() => expect(stand().tokens).toEqual(['token-1', 'token-2', 'token-3']));
    expect(fetchToken).toHaveBeenCalledTimes(3);
  });

  it('when the connection is denied, then the adapter renews the token and reports that it is reconnecting', async () => {
    const { client, stand } = setup();
    await client.join('conv-1');
    const states: string[] = [];
    client.on('connection', (state) => states.push(state));

    stand().setConnectionState('denied');

    await vi.waitFor(() => expect(stand().tokens).toEqual(['token-1', 'token-2']));
    expect(states).toEqual(['reconnecting']);
  });

  it('when the page leaves, then the SDK client is shut down and conversation events stop', async () => {
    const { client, stand } = setup();
    await client.join('conv-1');
    const received: ChatMessage[] = [];
    client.on('message', (message) => received.push(message));
    const conversation = stand().conversations.get('conv-1');

    await client.close();
    conversation?.emit('messageAdded', sdkMessage(1));
    stand().emit('tokenAboutToExpire');

    expect(stand().shutdown).toHaveBeenCalledTimes(1);
    expect(conversation?.listenerCount('messageAdded')).toBe(0);
    expect(received).toEqual([]);
    expect(stand().tokens).toEqual(['token-1']);
  });

  it('when sending, then the message goes to Parley\'s server with its clientId, never straight to Twilio', async () => {
    const { client, stand, server } = setup();
    await client.join('conv-1');
    const conversation = stand().conversations.get('conv-1');

    await expect(client.send('conv-1', 'client-a', 'Hello there')).resolves.toMatchObject({ id: 'db-1', clientId: 'client-a' });

    expect(server.sends).toEqual([{ conversationId: 'conv-1', clientId: 'client-a', body: 'Hello there' }]);
    expect(conversation?.sent).toEqual([]);
  });

  it('when Twilio\'s echo arrives before the server answers, then the send resolves once and the page gets the message', async () => {
    const { client, stand, server } = setup();
    await client.join('conv-1');
    const conversation = stand().conversations.get('conv-1');
    server.failSends.push(new HttpError(0, 'offline', 'network'));
    const received: ChatMessage[] = [];
    client.on('message', (message) => received.push(message));

    const sending = client.send('conv-1', 'client-e', 'Hi');
    conversation?.emit('messageAdded', sdkMessage(7, { author: 'rep-1', body: 'Hi', attributes: { clientId: 'client-e', authorRole: 'rep', language: 'EN-US' } }));

    await expect(sending).resolves.toMatchObject({ id: 'IM7', clientId: 'client-e' });
    expect(received.map((message) => message.clientId)).toEqual(['client-e']);
  });

  it('when the server cannot be reached, then the send is tried again with the same clientId until it is stored', async () => {
    const { client, server } = setup();
    await client.join('conv-1');
    server.failSends.push(new HttpError(0, 'offline', 'network'), new HttpError(503, 'unavailable', 'service_unavailable'));

    await expect(client.send('conv-1', 'client-b', 'Are you there?')).resolves.toMatchObject({ clientId: 'client-b' });
    expect(server.sends.map((sent) => sent.clientId)).toEqual(['client-b', 'client-b', 'client-b']);
  });

  it('when the server refuses a send, then it rejects with the server\'s code and is not tried again', async () => {
    const { client, server } = setup();
    await client.join('conv-1');
    server.failSends.push(new HttpError(409, 'This conversation is closed.', 'conversation_closed'));

    await expect(client.send('conv-1', 'client-c', 'hi')).rejects.toMatchObject({ code: 'conversation_closed' });
    expect(server.sends).toHaveLength(1);
  });

  it('when loading history and marking read, then both go to the server (the record), not to Twilio', async () => {
    const { client, stand, server } = setup();
    await client.join('conv-1');
    const conversation = stand().conversations.get('conv-1');

    const page = await client.loadHistory('conv-1', 'db-9');
    client.markRead('conv-1');

    expect(page.messages.map((message) => message.id)).toEqual(['db-1']);
    expect(server.histories).toEqual(['db-9']);
    await vi.waitFor(() => expect(server.reads).toEqual(['conv-1']));
    expect(conversation?.setAllMessagesRead).not.toHaveBeenCalled();
  });

  it('when a rep subscribes to the dashboard, then the list and its live changes come from Parley\'s feed', async () => {
    const feed = standInFeed();
    const { client } = setup({ feed });
    const created: string[] = [];
    const updated: string[] = [];
    client.on('conversationCreated', (summary) => created.push(summary.id));
    client.on('conversationUpdated', (summary) => updated.push(`${summary.id}:${summary.unread}`));

    expect((await client.subscribeDashboard()).map((summary) => summary.id)).toEqual(['conv-1']);
    feed.events.emit('conversationCreated', summaryOf('conv-2'));
    feed.events.emit('conversationUpdated', { ...summaryOf('conv-1'), unread: 3 });
    await client.close();

    expect(created).toEqual(['conv-2']);
    expect(updated).toEqual(['conv-1:3']);
    expect(feed.close).toHaveBeenCalled();
  });
});
