// The rep dashboard. The server-rendered list works without this script; with it, the list is
// live and conversations open beside it.
import { createChatClient } from '../chat/create-chat-client.js';
import { readDashboardConversations, readPageConfig } from '../chat/page-config.js';
import { Translations } from '../chat/translations.js';
import { DashboardView } from '../dashboard/dashboard-view.js';
import { Workspace } from '../dashboard/workspace.js';
import { postJson } from '../lib/http.js';

async function main(root: HTMLElement): Promise<void> {
  const config = readPageConfig(root);
  if (!config) return;
  const initial = readDashboardConversations(root);
  const client = await createChatClient(config, { dashboard: true });
  const workspace = new Workspace(root, config.me, client);
  workspace.start(initial);
  const dashboard = new DashboardView({
    client,
    me: config.me,
    translations: new Translations(config.me.language, (body) => postJson('/translate', body)),
    onListChanged: (conversations) => {
      const openCount = document.getElementById('open-count');
      if (openCount) openCount.textContent = String(conversations.filter((c) => c.status === 'open').length);
      workspace.listChanged(conversations);
    },
    onSelected: (conversationId) => workspace.selectedConversation(conversationId),
  });
  const mount = root.querySelector<HTMLElement>('[data-chat-mount]') ?? root;
  mount.replaceChildren(dashboard.element);
  window.addEventListener('pagehide', () => void client.close());
  // Restored from the back/forward cache with a closed connection: start again.
  window.addEventListener('pageshow', (event) => event.persisted && window.location.reload());
  await dashboard.start(initial);
  root.dataset.live = 'true';
}

const root = document.querySelector<HTMLElement>('[data-dashboard-conversations]');
if (root) void main(root);
