import type { User } from '../contract/chat.js';
import { isSameLanguage } from '../contract/languages.js';
import type { ConversationsFeature } from '../conversations/index.js';
import type { NonEssentialTranslation } from '../translation/index.js';

/** One side of a preview: the text and the language it is in. */
export interface PreviewText {
  text: string;
  language: string;
  /** True when DeepL could not be reached (or translation is off): `text` is the draft itself. */
  untranslated: boolean;
}

export interface DraftPreview {
  /** What the customer will read. */
  translation: PreviewText;
  /** That translation read back into the rep's language, when asked for. */
  back?: PreviewText;
}

export interface DraftPreviewDeps {
  conversations: Pick<ConversationsFeature, 'conversations' | 'pipeline'>;
  translation: NonEssentialTranslation;
}

/**
 * A rep's draft as the customer will read it, made exactly as the message will be on write: the
 * rep's language to the customer's, the conversation's register and glossary, the newest messages
 * as context. The memory key does not hold the context, so sending the draft unchanged hits the
 * preview's translation and costs nothing more; a repeat preview is a memory hit too.
 */
export function createDraftPreviewService(deps: DraftPreviewDeps) {
  return {
    async preview(rep: User, conversationId: string, draft: string, back: boolean): Promise<DraftPreview> {
      const view = await deps.conversations.conversations.getForUser(rep, conversationId);
      const customerLanguage = view.customer.language;
      if (isSameLanguage(rep.language, customerLanguage)) {
        const same = { text: draft, language: customerLanguage, untranslated: false };
        return back ? { translation: same, back: { ...same, language: rep.language } } : { translation: same };
      }
      const context = await deps.conversations.pipeline.draftContext(view.id);
      const options = { register: view.formality, context, conversationId: view.id };
      const [outcome] = (await deps.translation.translate([draft], customerLanguage, rep.language, options)).translations;
      const translation = { text: outcome?.text ?? draft, language: customerLanguage, untranslated: outcome?.untranslated === true };
      if (!back || translation.untranslated) return { translation };
      // Read back as a rep reads the customer: no register, no context (it is the rep's check, not a message).
      const [reread] = (await deps.translation.translate([translation.text], rep.language, customerLanguage, { conversationId: view.id })).translations;
      return { translation, back: { text: reread?.text ?? translation.text, language: rep.language, untranslated: reread?.untranslated === true } };
    },
  };
}

export type DraftPreviewService = ReturnType<typeof createDraftPreviewService>;
