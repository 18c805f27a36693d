import type { TwilioRestClient } from './twilio-client.js';

/**
 * The roles Parley's users get in Twilio Conversations: customers and reps may join conversations
 * the server adds them to and send messages; they cannot create conversations (the server does).
 */
export const parleyRoles = [
  { friendlyName: 'parley-user', type: 'service', permissions: ['joinConversation'] },
  { friendlyName: 'parley-participant', type: 'conversation', permissions: ['sendMessage'] },
] as const;

export interface SetupReport {
  serviceSid: string;
  lines: string[];
  roles: Record<(typeof parleyRoles)[number]['type'], string>;
}

/** The post-event webhooks Parley handles (POST /webhooks/twilio/conversations). */
export const parleyWebhookFilters = ['onMessageAdded', 'onConversationUpdated', 'onConversationStateUpdated', 'onParticipantAdded'] as const;
export const conversationsWebhookPath = '/webhooks/twilio/conversations';

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item) => b.includes(item));

/**
 * Creates or updates the restricted roles and makes them the service's defaults, so every user
 * and participant gets them. Safe to run again: it only changes what differs.
 */
export async function setUpTwilioRoles(client: TwilioRestClient, serviceSid: string): Promise<SetupReport> {
  const service = client.conversations.v1.services(serviceSid);
  const existing = await service.roles.list();
  const lines: string[] = [];
  const roles = {} as SetupReport['roles'];
  for (const wanted of parleyRoles) {
    const permissions = [...wanted.permissions];
    const found = existing.find((role) => role.friendlyName === wanted.friendlyName && role.type === wanted.type);
    if (!found) {
      const created = await service.roles.create({ friendlyName: wanted.friendlyName, type: wanted.type, permission: permissions });
      roles[wanted.type] = created.sid;
      lines.push(`created ${wanted.type} role ${wanted.friendlyName} (${created.sid}): ${permissions.join(', ')}`);
    } else if (!sameSet(found.permissions ?? [], permissions)) {
      await service.roles(found.sid).update({ permission: permissions });
      roles[wanted.type] = found.sid;
      lines.push(`updated ${wanted.type} role ${wanted.friendlyName} (${found.sid}): ${permissions.join(', ')}`);
    } else {
      roles[wanted.type] = found.sid;
      lines.push(`${wanted.type} role ${wanted.friendlyName} (${found.sid}) already up to date: ${permissions.join(', ')}`);
    }
  }
  await service.configuration().update({
    defaultChatServiceRoleSid: roles.service,
    defaultConversationRoleSid: roles.conversation,
    defaultConversationCreatorRoleSid: roles.conversation,
  });
  lines.push(`service ${serviceSid}: new users get ${roles.service}, new participants get ${roles.conversation}`);
  lines.push('note: users Twilio already knows keep their role until it is changed in the Console or API');
  return { serviceSid, lines, roles };
}

/**
 * Points the service's post-event webhook at this app (PUBLIC_URL), for the events Parley
 * handles. Safe to run again: it writes only when something differs.
 */
export async function setUpTwilioWebhooks(client: TwilioRestClient, serviceSid: string, publicUrl: string): Promise<string[]> {
  const webhooks = client.conversations.v1.services(serviceSid).configuration.webhooks();
  const wanted = { postWebhookUrl: `${publicUrl}${conversationsWebhookPath}`, filters: [...parleyWebhookFilters], method: 'POST' };
  const current = await webhooks.fetch();
  const same =
    current.postWebhookUrl === wanted.postWebhookUrl && sameSet(current.filters ?? [], wanted.filters) && String(current.method).toUpperCase() === 'POST';
  const summary = `post-event webhook ${wanted.postWebhookUrl} (${wanted.filters.join(', ')})`;
  if (same) return [`${summary} already up to date`];
  await webhooks.update(wanted);
  return [`set ${summary}`];
}
