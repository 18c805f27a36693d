import { describe, expect, it, vi } from 'vitest';
import { dayOf, monthOf } from '../../src/translation/index.js';
import { useTestDatabase } from '../support/database.js';
import { runAdmin } from './admin-commands.js';
import { openChatPages } from './chat-pages.js';
import { conversationWithTranslation } from './conversation-translation.js';
import { useDeeplServer } from './local-deepl.js';

useTestDatabase('cost_meter');

describe('cost meter: characters billed by DeepL', () => {
  const deepl = useDeeplServer();

  it('when messages are translated, then each conversation\'s figure equals what DeepL counted for it and memory hits add nothing', async () => {
    const first = await conversationWithTranslation(deepl, { customerLanguage: 'DE' });
    const second = await conversationWithTranslation(deepl, { customerLanguage: 'FR' });
    const day = await first.translation.usage.forDay(dayOf(new Date()));

    const start = deepl.characters;
    await first.send(first.rep, `Your refund is on its way ${Date.now()}`);
    await first.send(first.rep, 'It takes three to five days.');
    const firstCounted = deepl.characters - start;
    await second.send(second.rep, `Bonjour, how can I help ${Date.now()}?`);
    const secondCounted = deepl.characters - start - firstCounted;
    const message = await first.send(first.rep, 'It takes three to five days.', false);
    await first.translation.service.translate([message.body], 'DE', 'EN-US', { register: 'default' });

    expect((await first.translation.usage.forConversation(first.conversationId)).characters).toBe(firstCounted);
    expect((await second.translation.usage.forConversation(second.conversationId)).characters).toBe(secondCounted);
    const after = await first.translation.usage.forDay(dayOf(new Date()));
    expect(after.characters - day.characters).toBe(deepl.characters - start);
    const output = await runAdmin(first.config, ['usage', '--conversation', first.conversationId, '--days', '1']);
    expect(output.join('\n')).toContain(`Conversation ${first.conversationId}: ${firstCounted}`);
    expect(output.join('\n')).toContain(`${monthOf(new Date())}: ${(await first.translation.usage.forMonth(monthOf(new Date()))).characters}`);
    expect(output.join('\n')).toContain(`DeepL's own count this billing period (/v2/usage, every use of the key): ${deepl.characters}`);
  });

  it('when a rep opens a conversation, then the page shows the characters DeepL billed for it; the customer\'s page does not', async () => {
    const chat = await openChatPages(deepl);
    const start = deepl.characters;
    await chat.send.rep(`Your order ships tomorrow ${Date.now()}`);
    await vi.waitFor(() => expect(deepl.characters).toBeGreaterThan(start), { timeout: 5_000 });
    const counted = deepl.characters - start;

    await vi.waitFor(async () => {
      const page = await chat.repAgent.get(`/conversations/${chat.id}`);
      expect(page.text).toContain(`DeepL characters billed for this conversation: ${counted}`);
    }, { timeout: 5_000 });
    expect((await chat.customerAgent.get(`/conversations/${chat.id}`)).text).not.toContain('data-part="translation-cost"');
  });
});
