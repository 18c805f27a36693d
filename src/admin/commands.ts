import type { AdminCommandModule } from './context.js';
import { conversationCommands } from './conversation.commands.js';
import { messagingCommands } from './messaging.commands.js';
import { repCommands } from './rep.commands.js';
import { siteCommands } from './site.commands.js';
import { translationCommands } from './translation.commands.js';

/** Every command group of `npm run admin`. A feature adds its module here. */
export const commandModules: AdminCommandModule[] = [repCommands, conversationCommands, translationCommands, messagingCommands, siteCommands];
