import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { ChatMessage, ConversationSummary } from '../../client/chat/chat-client.js';
import { TwilioChatClient } from '../../client/chat/twilio-chat-client.js';
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

function setup() {
  let issued = 0;
  const fetchToken = vi.fn(async () => `token-${++issued}`);
  let sdk: StandInClient | undefined;
  const client = new TwilioChatClient({
    user: rep,
    fetchToken,
    createClient: async (token) => (sdk = new StandInClient(token)),
    describeConversation: async (id) => summaryOf(id),
    sendTimeoutMs: 5_000,
  });
  const stand = () => {
    if (!sdk) throw new Error('the SDK client was not created');
    return sdk;
  };
  return { client, fetchToken, stand };
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

  it('when sending, then our clientId, name, role and language travel as attributes and the echo resolves the send', async () => {
    const { client, stand } = setup();
    await client.join('conv-1');
    const conversation = stand().conversations.get('conv-1');

    const sending = client.send('conv-1', 'client-a', 'Hello there');
    await vi.waitFor(() => expect(conversation?.sent).toHaveLength(1));
    conversation?.emit('messageAdded', sdkMessage(7, { author: 'rep-1', body: 'Hello there', attributes: conversation.sent[0]?.attributes }));

    expect(conversation?.sent[0]).toEqual({
      body: 'Hello there',
      attributes: { clientId: 'client-a', authorName: 'ralph', authorRole: 'rep', language: 'EN-US' },
    });
    await expect(sending).resolves.toMatchObject({ id: 'IM7', clientId: 'client-a', authorRole: 'rep', language: 'EN-US' });
  });

  it('when a send fails while the connection is down, then it is sent again with the same clientId once connected', async () => {
    const { client, stand } = setup();
    await client.join('conv-1');
    const conversation = stand().conversations.get('conv-1');
    if (!conversation) throw new Error('not joined');
    conversation.sendFailure = () => {
      conversation.sendFailure = undefined;
      stand().setConnectionState('connecting');
      return new Error('socket closed');
    };

    const sending = client.send('conv-1', 'client-b', 'Are you there?');
    await vi.waitFor(() => expect(conversation.sent).toHaveLength(1));
    stand().setConnectionState('connected');
    await vi.waitFor(() => expect(conversation.sent).toHaveLength(2));
    conversation.emit('messageAdded', sdkMessage(8, { author: 'rep-1', attributes: conversation.sent[1]?.attributes }));

    expect(conversation.sent.map((sent) => sent.attributes.clientId)).toEqual(['client-b', 'client-b']);
    await expect(sending).resolves.toMatchObject({ id: 'IM8', clientId: 'client-b' });
  });

  it('when a send fails while connected, then it rejects so the page can offer a retry', async () => {
    const { client, stand } = setup();
    await client.join('conv-1');
    const conversation = stand().conversations.get('conv-1');
    if (!conversation) throw new Error('not joined');
    conversation.sendFailure = () => new Error('Forbidden');

    await expect(client.send('conv-1', 'client-c', 'hi')).rejects.toMatchObject({ code: 'send-failed' });
  });

  it('when loading history, then pages go backwards from the oldest message the page has', async () => {
    const { client, stand } = setup();
    await client.join('conv-1');
    const conversation = stand().conversations.get('conv-1');
    if (!conversation) throw new Error('not joined');
    for (let index = 0; index < 60; index++) conversation.messages.push(sdkMessage(index));

    const newest = await client.loadHistory('conv-1');
    const older = await client.loadHistory('conv-1', newest.messages[0]?.id);

    expect(newest.messages.map((message) => message.id)).toEqual(conversation.messages.slice(10).map((m) => m.sid));
    expect(newest.hasMore).toBe(true);
    expect(older.messages.map((message) => message.id)).toEqual(conversation.messages.slice(0, 10).map((m) => m.sid));
    expect(older.hasMore).toBe(false);
    expect(conversation.pageRequests[1]).toEqual({ pageSize: 50, anchor: 9, direction: 'backwards' });
  });
});
