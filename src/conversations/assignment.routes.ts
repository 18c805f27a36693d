import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireRole } from '../auth/index.js';
import { MAX_HAND_OVER_NOTE_LENGTH, OBJECT_ID_PATTERN, type User } from '../contract/chat.js';
import { ValidationError } from '../lib/errors.js';
import type { ConversationsFeature } from './conversations.feature.js';
import { parseConversationId } from './conversation.schemas.js';
import { toSummary } from './conversation.view.js';

const actor = (req: Request): User => req.user as User;

const handOverSchema = z.object({
  repId: z.string().regex(OBJECT_ID_PATTERN, 'Choose a colleague from the list.'),
  note: z.string().max(MAX_HAND_OVER_NOTE_LENGTH, `A note can be at most ${MAX_HAND_OVER_NOTE_LENGTH} characters.`).optional(),
});
const availabilitySchema = z.object({ availability: z.enum(['available', 'away']) });

/** zod's first message per field, as the forms and the JSON API show them. */
function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[String(issue.path[0] ?? 'form')] ??= issue.message;
  return fields;
}

/** Ownership: hand-over (form and JSON), the rep's availability, the team list. Reps only. */
export function assignmentRoutes(feature: ConversationsFeature): Router {
  const router = Router();
  const { assignment } = feature;

  async function handOver(req: Request, res: Response, json: boolean): Promise<void> {
    const id = parseConversationId(req.params.id);
    const parsed = handOverSchema.safeParse(req.body);
    if (!parsed.success) throw new ValidationError('That hand-over is not valid.', fieldErrors(parsed.error));
    const updated = await assignment.handOver(actor(req), id, { repId: parsed.data.repId.toLowerCase(), note: parsed.data.note });
    const summary = () => res.json({ conversation: toSummary(updated, actor(req)) });
    // The conversation is theirs no longer: back to the dashboard.
    if (json) summary();
    else res.format({ html: () => res.redirect(303, '/support'), json: summary, default: () => res.redirect(303, '/support') });
  }

  router.post('/conversations/:id/hand-over', requireRole('rep'), (req, res) => handOver(req, res, false));
  router.post('/api/conversations/:id/hand-over', requireRole('rep'), (req, res) => handOver(req, res, true));

  router.post('/support/availability', requireRole('rep'), async (req, res) => {
    const parsed = availabilitySchema.safeParse(req.body);
    if (!parsed.success) throw new ValidationError('Choose available or away.', { availability: 'Choose available or away.' });
    const team = await assignment.setAvailability(actor(req), parsed.data.availability);
    res.format({ html: () => res.redirect(303, '/support'), json: () => res.json({ team }), default: () => res.redirect(303, '/support') });
  });

  router.get('/api/team', requireRole('rep'), async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ team: await assignment.team() });
  });

  return router;
}
