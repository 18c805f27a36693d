import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/contract/chat.js';
import { useTestDatabase } from '../support/database.js';
import { conversationWithTranslation } from './conversation-translation.js';
import { useDeeplServer } from './local-deepl.js';

useTestDatabase('carried_translations');

describe('translations carried by the live message event', () => {
  const deepl = useDeeplServer();

  it("when the memory has the customer's translation in the conversation's register, then the event carries it; one made in another register is never carried", async () => {
    const chat = await conversationWithTranslation(deepl, { customerLanguage: 'DE' });
    // What the sockets emit as message:new is what the pipeline's 'message' event hands them.
    const events: ChatMessage[] = [];
    chat.feature.events.on('message', (message) => events.push(message));
    const text = `Thank you for waiting ${Date.now()}`;
    await chat.feature.conversations.setFormality(chat.rep, chat.conversationId, 'informal');
    await chat.send(chat.rep, text);
    const informal = (await chat.translation.service.translate([text], 'DE', 'EN-US', { register: 'informal' })).translations[0]?.text;

    await chat.send(chat.rep, text, false);
    expect(events.at(-1)?.translations).toEqual({ DE: { text: informal, detectedSourceLang: expect.anything() } });

    await chat.feature.conversations.setFormality(chat.rep, chat.conversationId, 'formal');
    await chat.send(chat.rep, text);
    // The page asks /translate for this one (in the formal register) instead of showing the informal one.
    expect(events.at(-1)?.translations).toBeUndefined();
  });

  it("when a rep writes a note, then its event carries no translation into the customer's language", async () => {
    const chat = await conversationWithTranslation(deepl, { customerLanguage: 'DE' });
    const notes: ChatMessage[] = [];
    chat.feature.events.on('note', (note) => notes.push(note));
    const text = `Customer asked about parcel ${Date.now()}`;
    // The customer's language has this text in the memory, from a message the rep sent them.
    await chat.send(chat.rep, text);

    await chat.feature.messaging.addNote(chat.rep, { conversationId: chat.conversationId, clientId: `note-${Date.now()}`, body: text });

    expect(notes).toHaveLength(1);
    expect(notes[0]?.translations?.DE).toBeUndefined();
  });
});
