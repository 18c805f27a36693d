import { Router, type Request, type RequestHandler, type Response } from 'express';
import { requireRole, requireUser } from '../auth/index.js';
import { pageText } from '../i18n/index.js';
import { z } from 'zod';
import { CONVERSATION_FORMALITIES, HISTORY_PAGE_SIZE, MAX_MESSAGE_LENGTH, type User } from '../contract/chat.js';
import { isBuiltInTargetLanguage } from '../contract/languages.js';
import { AppError, ValidationError } from '../lib/errors.js';
import type { ConversationsFeature } from './conversations.feature.js';
import { newClientId, parseConversationId, sendFormSchema, transcriptQuerySchema } from './conversation.schemas.js';
import { transcriptAsText } from './transcript.service.js';
import { chatUserOf, toSummary, type ConversationView } from './conversation.view.js';

const actor = (req: Request): User => req.user as User;

/** After a change from a form or a script: the page again (Post/Redirect/Get), or the new summary as JSON. */
function answerChanged(req: Request, res: Response, view: ConversationView): void {
  const page = () => res.redirect(303, `/conversations/${view.id}`);
  res.format({ html: page, json: () => res.json({ conversation: toSummary(view, actor(req)) }), default: page });
}

const formalitySchema = z.object({ formality: z.enum(CONVERSATION_FORMALITIES) });
// `keep` answers "no"; a language answers "yes" (it must be one readers can pick).
const languageAnswerSchema = z.object({
  answer: z.union([z.literal('keep'), z.string().trim().toUpperCase().refine(isBuiltInTargetLanguage, 'Not a supported language.')]),
});

/** Customer home, the chat page, sending and reading without JavaScript, closing, transcripts. */
export function conversationRoutes(feature: ConversationsFeature, options: { sendLimit?: RequestHandler } = {}): Router {
  const router = Router();
  // The user's one message allowance (send-limit.ts), shared with the socket and the JSON API.
  const sendLimit: RequestHandler = options.sendLimit ?? ((_req, _res, next) => next());
  const { conversations, messaging, transcripts } = feature;

  // A GET changes nothing: the page's script (or the no-JS "mark read" form) marks it read.
  async function renderChat(req: Request, res: Response, view: ConversationView, form: { body?: string; error?: string } = {}) {
    const user = actor(req);
    const history = await messaging.history(user, { conversationId: view.id, limit: HISTORY_PAGE_SIZE });
    const languagePrompt = await feature.languagePrompt(view, user);
    const translationCharacters = user.role === 'rep' ? await feature.translationCharacters(view.id) : undefined;
    const repSide = user.role === 'rep' ? { customerPanel: await feature.customerPanel(view), team: await feature.assignment.team() } : {};
    res.render('conversations/show', {
      ...repSide,
      languagePrompt,
      translationCharacters,
      title: user.role === 'rep' ? pageText(res)('chat.repTitle', { name: view.customer.username }) : pageText(res)('chat.customerTitle'),
      conversation: toSummary(view, user),
      chatUser: chatUserOf(user),
      transportId: view.transportId ?? '',
      transport: feature.transport.kind,
      messages: history.messages,
      history,
      hasMore: history.hasMore,
      maxLength: MAX_MESSAGE_LENGTH,
      clientId: newClientId(),
      form,
      scripts: ['/js/chat.js'],
    });
  }

  router.get('/conversations', requireUser(), async (req, res) => {
    const user = actor(req);
    if (user.role === 'rep') return res.redirect(303, '/support');
    const list = await conversations.listForCustomer(user);
    res.render('conversations/index', {
      title: pageText(res)('conversations.title'),
      open: list.find((conversation) => conversation.status === 'open'),
      closed: list.filter((conversation) => conversation.status === 'closed'),
    });
  });

  router.post('/conversations', requireRole('customer'), async (req, res) => {
    const { conversation } = await conversations.startOrResume(actor(req));
    res.redirect(303, `/conversations/${conversation.id}`);
  });

  router.get('/conversations/:id', requireUser(), async (req, res) => {
    const view = await conversations.getForUser(actor(req), parseConversationId(req.params.id));
    await renderChat(req, res, view);
  });

  router.post('/conversations/:id/messages', requireUser(), sendLimit, async (req, res) => {
    const id = parseConversationId(req.params.id);
    const view = await conversations.getForUser(actor(req), id);
    const parsed = sendFormSchema.safeParse(req.body);
    if (!parsed.success) throw new ValidationError('That message could not be sent.', { body: 'Write a message first.' });
    try {
      await messaging.send(actor(req), { conversationId: id, ...parsed.data });
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      res.status(error.status);
      return renderChat(req, res, view, { body: parsed.data.body, error: error.fields?.body ?? error.message });
    }
    res.redirect(303, `/conversations/${id}#message-form`);
  });

  router.post('/conversations/:id/read', requireUser(), async (req, res) => {
    const read = await messaging.markRead(actor(req), parseConversationId(req.params.id));
    answerChanged(req, res, read);
  });

  router.post('/conversations/:id/close', requireUser(), async (req, res) => {
    const closed = await conversations.close(actor(req), parseConversationId(req.params.id));
    res.redirect(303, actor(req).role === 'rep' ? '/support' : `/conversations/${closed.id}`);
  });

  router.post('/conversations/:id/formality', requireRole('rep'), async (req, res) => {
    const parsed = formalitySchema.safeParse(req.body);
    if (!parsed.success) throw new ValidationError('Choose default, formal or informal.', { formality: 'Choose default, formal or informal.' });
    const updated = await conversations.setFormality(actor(req), parseConversationId(req.params.id), parsed.data.formality);
    answerChanged(req, res, updated);
  });

  /** The same question as the page renders, for the live page (the customer's alone). */
  router.get('/conversations/:id/language-prompt', requireRole('customer'), async (req, res) => {
    const view = await conversations.getForUser(actor(req), parseConversationId(req.params.id));
    const prompt = await feature.languagePrompt(view, actor(req));
    res.set('Cache-Control', 'no-store');
    res.json({ prompt: prompt ? { language: prompt.language, question: prompt.question, accept: prompt.accept, decline: prompt.decline } : null });
  });

  router.post('/conversations/:id/language', requireRole('customer'), async (req, res) => {
    const parsed = languageAnswerSchema.safeParse(req.body);
    if (!parsed.success) throw new ValidationError('Choose a language or keep yours.', { answer: 'Choose a language or keep yours.' });
    const language = parsed.data.answer === 'keep' ? undefined : parsed.data.answer;
    const updated = await feature.answerLanguage(actor(req), parseConversationId(req.params.id), language);
    answerChanged(req, res, updated);
  });

  // The account page's language setting (customers and reps alike).
  router.post('/account/language', requireUser(), async (req, res) => {
    const parsed = z.object({ language: z.string().trim().toUpperCase().refine(isBuiltInTargetLanguage) }).safeParse(req.body);
    if (!parsed.success) throw new ValidationError('Choose one of the listed languages.', { language: 'Choose one of the listed languages.' });
    await feature.changeAccountLanguage(actor(req), parsed.data.language);
    res.redirect(303, '/account');
  });

  router.get('/conversations/:id/transcript', requireUser(), async (req, res) => {
    const id = parseConversationId(req.params.id);
    const query = transcriptQuerySchema.safeParse(req.query);
    if (!query.success) throw new ValidationError('Choose format=text or format=json.', { format: 'Choose text or json.' });
    const transcript = await transcripts.transcript(actor(req), id);
    const extension = query.data.format === 'json' ? 'json' : 'txt';
    res.attachment(`parley-conversation-${id}.${extension}`);
    if (query.data.format === 'json') res.json(transcript);
    else res.type('text/plain; charset=utf-8').send(transcriptAsText(transcript));
  });

  return router;
}
