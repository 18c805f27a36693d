import type { ConversationSummary } from '../contract/chat.js';
import { toSummary, type ConversationsFeature } from '../conversations/index.js';
import { ForbiddenError } from '../lib/errors.js';
import { pageUrlOf } from './origin.js';
import { siteService, type Site } from './site.service.js';
import { userOf, visitorService, type IdentityClaim, type Visitor } from './visitor.service.js';
import { WidgetConversation, type WidgetConversationRecord } from './widget-conversation.model.js';

/** A widget request as its frame made it: the site it names and the host page's origin. */
export interface WidgetCaller {
  siteKey: unknown;
  hostOrigin: unknown;
}

/** A signed-in widget visitor: their record and the site they chat on. */
export interface VisitorContext {
  visitor: Visitor;
  site: Site;
  /** The token's SHA-256: names the visitor's login (socket sign-in checks). */
  digest: string;
}

export const siteRefused = () => new ForbiddenError('The chat is not enabled on this website.');

/** Site of a call, checked: registered, and the host page the frame sits on is that site's origin. */
export async function siteOfCaller(caller: WidgetCaller): Promise<Site> {
  const site = await siteService.find(caller.siteKey);
  if (!site || caller.hostOrigin !== site.origin) throw siteRefused();
  return site;
}

/** Where a widget conversation started, for reps. */
export type ConversationSource = Pick<WidgetConversationRecord, 'origin' | 'pageUrl' | 'siteKey'>;

/** The widget's rules, between its routes (and socket handshake) and the conversations feature. */
export function createWidgetService(feature: ConversationsFeature) {
  const { conversations } = feature;

  async function openConversationOf(visitor: Visitor): Promise<ConversationSummary | null> {
    const list = await conversations.listForCustomer(userOf(visitor));
    const open = list.find((view) => view.status === 'open');
    return open ? toSummary(open, userOf(visitor)) : null;
  }

  return {
    /** The frame opens: the visitor its token (or the site's signed id) names, and their open conversation. */
    async openSession(caller: WidgetCaller, input: { token?: string; identity?: IdentityClaim; language: string }) {
      const site = await siteOfCaller(caller);
      const session = await visitorService.open(site, input);
      return { ...session, conversation: await openConversationOf(session.visitor) };
    },

    /** Who a token speaks for, when the call names the same site from its own origin. */
    async authenticate(token: unknown, caller: WidgetCaller): Promise<VisitorContext> {
      const found = await visitorService.authenticate(token);
      if (!found) throw new ForbiddenError('This chat session has ended. Reload the page to start again.');
      if (found.site.key !== caller.siteKey || found.site.origin !== caller.hostOrigin) throw siteRefused();
      return found;
    },

    /** The visitor starts chatting (or resumes their open conversation); a new one records the site and page. */
    async start(context: VisitorContext, input: { name?: string; email?: string; language: string; pageUrl?: string }) {
      const visitor = await visitorService.update(context.visitor, input);
      const { conversation, created } = await conversations.startOrResume(userOf(visitor), 'web');
      if (created) {
        const pageUrl = pageUrlOf(input.pageUrl, context.site.origin);
        await WidgetConversation.create({ _id: conversation.id, siteKey: context.site.key, origin: context.site.origin, pageUrl });
      }
      return { visitor, conversation: toSummary(conversation, userOf(visitor)) };
    },

    /** The visitor picks another language in the panel: they read (and are read) in it from now on. */
    async setLanguage(context: VisitorContext, language: string) {
      const visitor = await visitorService.update(context.visitor, { language });
      await conversations.setCustomerLanguage(visitor.id, language);
      return { visitor, conversation: await openConversationOf(visitor) };
    },

    /** The site and page a conversation started from; undefined for conversations from elsewhere. */
    async sourceOf(conversationId: string): Promise<ConversationSource | undefined> {
      const found = await WidgetConversation.findById(conversationId).lean<WidgetConversationRecord>();
      return found ? { origin: found.origin, pageUrl: found.pageUrl, siteKey: found.siteKey } : undefined;
    },
  };
}

export type WidgetService = ReturnType<typeof createWidgetService>;
