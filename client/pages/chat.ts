// The chat page (customer, or a rep opening one conversation). The server-rendered page works
// without this script; with it, the conversation becomes live.
import { ChatView } from '../chat/chat-view.js';
import { createChatClient } from '../chat/create-chat-client.js';
import { showLanguagePrompt } from '../chat/language-prompt.js';
import { readConversation, readHistory, readPageConfig } from '../chat/page-config.js';
import { enhanceNoteForm, openAtMessage } from '../chat/rep-tools.js';
import { Translations } from '../chat/translations.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { csrfToken, postJson } from '../lib/http.js';

/** A closed conversation is read-only; the customer can start a new one from here. */
function newConversationForm(): HTMLFormElement {
  return h('form', { method: 'post', action: '/conversations', class: 'mt-2' },
    h('input', { type: 'hidden', name: '_csrf', value: csrfToken() }),
    h('button', { type: 'submit', class: 'rounded-md bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 focus:outline-none focus:ring-2 focus:ring-indigo-500 focus:ring-offset-2' }, t('startNew', 'Start a new conversation')),
  );
}

/** The server-rendered header (status badge, close button) follows the live status. */
function showStatus(root: HTMLElement, status: 'open' | 'closed'): void {
  root.dataset.status = status;
  const badge = document.getElementById('conversation-status');
  if (badge) {
    badge.textContent = status === 'open' ? t('open', 'Open') : t('closed', 'Closed');
    badge.classList.toggle('bg-emerald-100', status === 'open');
    badge.classList.toggle('text-emerald-800', status === 'open');
    badge.classList.toggle('bg-slate-200', status === 'closed');
    badge.classList.toggle('text-slate-700', status === 'closed');
  }
  if (status === 'closed') {
    for (const form of document.querySelectorAll<HTMLFormElement>('form[action$="/close"]')) form.hidden = true;
  }
}

async function main(root: HTMLElement): Promise<void> {
  const config = readPageConfig(root);
  const conversation = readConversation(root);
  if (!config || !conversation) return;
  const { me } = config;
  const client = await createChatClient(config, { conversationId: conversation.id });
  // The register a rep chose for this conversation: customers' translations are keyed by it.
  let formality = conversation.formality ?? 'default';
  // The script marks the conversation read as the reader sees it; the no-JS button is not needed.
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-part="mark-read"]')) form.hidden = true;
  const view = new ChatView({
    client,
    me,
    conversationId: conversation.id,
    initialHistory: readHistory(root),
    translations: new Translations(me.language, (body) => postJson('/translate', body), () => (me.role === 'customer' ? formality : undefined)),
    closedActions: me.role === 'customer' ? newConversationForm : undefined,
    onSummary: (summary) => {
      formality = summary.formality ?? formality;
      showStatus(root, summary.status);
      if (me.role === 'customer' && summary.languageSuggestion) void showLanguagePrompt(root, conversation.id).catch(() => undefined);
    },
  });
  const mount = root.querySelector<HTMLElement>('[data-chat-mount]') ?? root;
  mount.replaceChildren(view.element);
  root.dataset.live = 'true';
  if (me.role === 'rep') enhanceNoteForm(conversation.id, (note) => view.showMessage(note));
  window.addEventListener('pagehide', () => void client.close());
  // Restored from the back/forward cache with a closed connection: start again.
  window.addEventListener('pageshow', (event) => event.persisted && window.location.reload());
  await view.start();
  openAtMessage();
}

const root = document.querySelector<HTMLElement>('[data-chat-conversation]');
if (root) void main(root);
