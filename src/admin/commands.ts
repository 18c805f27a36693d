import { assignmentCommands } from './assignment.commands.js';
import type { AdminCommandModule } from './context.js';
import { conversationCommands } from './conversation.commands.js';
import { messagingCommands } from './messaging.commands.js';
import { repCommands } from './rep.commands.js';
import { savedReplyCommands } from './saved-reply.commands.js';
import { siteCommands } from './site.commands.js';
import { translationCommands } from './translation.commands.js';
import { voiceCommands } from './voice.commands.js';

/** Every command group of `npm run admin`. A feature adds its module here. */
export const commandModules: AdminCommandModule[] = [repCommands, conversationCommands, translationCommands, messagingCommands, voiceCommands, savedReplyCommands, assignmentCommands, siteCommands];
