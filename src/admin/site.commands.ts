import type { Command } from 'commander';
import { siteService, type Site } from '../widget/index.js';
import type { AdminCommandModule, AdminContext } from './context.js';

const describeSite = (site: Site) => `${site.key}  ${site.origin}  added ${site.createdAt.toISOString()}`;

/** site:add|list|remove: the websites allowed to show the chat widget. */
export const siteCommands: AdminCommandModule = {
  register(program: Command, context: AdminContext) {
    program
      .command('site:add')
      .description('allow a website to show the chat widget; prints its key and its identity-verification secret')
      .requiredOption('--origin <origin>', 'the site as an origin, e.g. https://shop.example')
      .action(async (options: { origin: string }) => {
        await context.database();
        const site = await siteService.add(options.origin);
        context.io.out(`Added ${site.origin}.`);
        context.io.out(`Site key: ${site.key}`);
        context.io.out(`Identity secret (keep it on the site's server, never in a page): ${site.secret}`);
        context.io.out(`<script src="PARLEY_URL/widget.js" data-parley-site="${site.key}" async></script>`);
      });

    program
      .command('site:list')
      .description('list the websites allowed to show the chat widget')
      .action(async () => {
        await context.database();
        const sites = await siteService.list();
        if (sites.length === 0) context.io.out('No sites.');
        sites.forEach((site) => context.io.out(describeSite(site)));
      });

    program
      .command('site:remove')
      .description('stop the chat widget on a website at once (its frames refuse, its visitors are signed out)')
      .argument('<key>', 'the site key (site:list shows it)')
      .action(async (key: string) => {
        await context.database();
        const site = await siteService.remove(key);
        context.io.out(`Removed ${site.origin} (${site.key}).`);
      });
  },
};
