import { Router, type Request } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/index.js';
import type { User } from '../contract/chat.js';
import { normaliseLanguageCode, type LanguagesProvider } from '../contract/languages.js';
import { parseConversationId, type ConversationsFeature } from '../conversations/index.js';
import { NotFoundError, ValidationError } from '../lib/errors.js';
import { channelCustomers, type ChannelCustomerView } from './channel-customers.js';
import { ChannelDelivery, type ChannelDeliveryRecord } from './channel-delivery.model.js';
import { optedOutNote } from './outbound.service.js';

const actor = (req: Request): User => req.user as User;
const languageSchema = z.object({ language: z.string().min(2).max(16) });

/** What a rep sees about a phone customer and each answer's way to the phone. */
function channelView(customer: ChannelCustomerView, deliveries: ChannelDeliveryRecord[]) {
  return {
    customer: {
      name: customer.displayName,
      channel: customer.channel,
      language: customer.language,
      languageSource: customer.languageSource,
      optedOut: Boolean(customer.optedOutAt),
      note: customer.optedOutAt ? optedOutNote : null,
    },
    deliveries: Object.fromEntries(
      deliveries.map((delivery) => [
        delivery.messageId.toString(),
        {
          status: delivery.status, sentBody: delivery.body, sentLanguage: delivery.language, untranslated: delivery.untranslated,
          segments: delivery.segments, errorCode: delivery.errorCode, note: delivery.note, updatedAt: delivery.updatedAt.toISOString(),
        },
      ]),
    ),
  };
}

/** Reps only: a phone conversation's customer and deliveries, and changing the customer's language. */
export function channelApiRoutes(deps: { conversations: ConversationsFeature; languages: LanguagesProvider }): Router {
  const router = Router();
  const customerOf = async (req: Request) => {
    const view = await deps.conversations.conversations.getForUser(actor(req), parseConversationId(String(req.params.id)));
    const customer = view.channel === 'web' ? undefined : await channelCustomers.findById(view.customer.id);
    if (!customer) throw new NotFoundError('This conversation is not with a phone customer.');
    return { view, customer };
  };

  router.get('/api/messaging/conversations/:id', requireRole('rep'), async (req, res) => {
    const { view, customer } = await customerOf(req);
    const deliveries = await ChannelDelivery.find({ conversationId: view.id }).lean<ChannelDeliveryRecord[]>();
    res.set('Cache-Control', 'no-store').json(channelView(customer, deliveries));
  });

  router.put('/api/messaging/conversations/:id/language', requireRole('rep'), async (req, res) => {
    const parsed = languageSchema.safeParse(req.body);
    const language = parsed.success ? normaliseLanguageCode(parsed.data.language) : '';
    if (!(await deps.languages()).some((candidate) => candidate.code === language)) {
      throw new ValidationError('Choose one of the listed languages.', { language: 'Choose one of the listed languages.' });
    }
    const { customer } = await customerOf(req);
    await channelCustomers.setLanguage(customer.id, language, 'rep');
    await deps.conversations.conversations.setCustomerLanguage(customer.id, language);
    res.json({ language });
  });
  return router;
}
