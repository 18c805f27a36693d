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
