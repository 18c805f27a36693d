// Check before sending (reps): a pause in typing (~600 ms) shows the draft as the customer will
// read it; "Translate back" reads that translation back in the rep's language, so a rep who reads
// neither language can catch a wrong meaning. The markup is the page's <template> (a partial).
import { postJson, HttpError } from '../lib/http.js';
import { setText } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

export const PREVIEW_DELAY_MS = 600;

interface PreviewText {
  text: string;
  language: string;
  untranslated: boolean;
}

interface PreviewAnswer {
  preview: { translation: PreviewText; back?: PreviewText };
}

/** A refusal in words a rep can act on; the server's own message when it explains (the budget). */
function politeError(error: unknown): string {
  if (error instanceof HttpError && error.code === 'translation_budget_exhausted') return error.message;
  if (error instanceof HttpError && error.status === 429) return t('rep.previewsPaused', 'Previews are paused for a moment. You can still send.');
  return t('rep.previewUnavailable', 'The preview is not available right now. You can still send your message.');
}

class DraftPreview {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Answers to an older draft are dropped: only the newest request may write. */
  private sequence = 0;
  private readonly translationEl: HTMLElement;
  private readonly backEl: HTMLElement;
  private readonly statusEl: HTMLElement;
  private readonly backButton: HTMLButtonElement;

  constructor(private readonly conversationId: string, readonly element: HTMLElement, private readonly input: HTMLTextAreaElement) {
    const part = (name: string) => element.querySelector<HTMLElement>(`[data-preview="${name}"]`) ?? element;
    this.translationEl = part('translation');
    this.backEl = part('back');
    this.statusEl = part('status');
    this.backButton = part('back-button') as HTMLButtonElement;
    input.addEventListener('input', () => this.schedule());
    this.backButton.addEventListener('click', () => void this.show(true));
    // The composer empties the box when it sends (no input event): the preview goes with it.
    const afterSend = () => queueMicrotask(() => this.input.value.trim() === '' && this.reset());
    input.form?.addEventListener('submit', afterSend);
    input.addEventListener('keydown', (event) => event.key === 'Enter' && afterSend());
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.sequence += 1;
    if (this.input.value.trim() === '') return this.reset();
    this.backEl.hidden = true;
    this.timer = setTimeout(() => void this.show(false), PREVIEW_DELAY_MS);
  }

  private reset(): void {
    clearTimeout(this.timer);
    this.sequence += 1;
    this.element.hidden = true;
    setText(this.translationEl, '');
    setText(this.backEl, '');
    setText(this.statusEl, '');
  }

  private async show(back: boolean): Promise<void> {
    const text = this.input.value.trim();
    if (text === '') return;
    const mine = ++this.sequence;
    this.element.hidden = false;
    this.element.setAttribute('aria-busy', 'true');
    this.backButton.disabled = true;
    setText(this.statusEl, back ? t('rep.translatingBack', 'Translating back…') : t('rep.translating', 'Translating…'));
    try {
      const { preview } = await postJson<PreviewAnswer>(`/api/conversations/${encodeURIComponent(this.conversationId)}/preview`, { text, back });
      if (mine !== this.sequence) return;
      this.render(preview);
    } catch (error) {
      if (mine === this.sequence) setText(this.statusEl, politeError(error));
    } finally {
      if (mine === this.sequence) {
        this.element.removeAttribute('aria-busy');
        this.backButton.disabled = false;
      }
    }
  }

  private render(preview: PreviewAnswer['preview']): void {
    const { translation, back } = preview;
    setText(this.translationEl, translation.text);
    this.translationEl.lang = translation.language.toLowerCase();
    setText(this.statusEl, translation.untranslated ? t('rep.translationLater', 'Translation is unavailable right now: your message will be translated when it is.') : '');
    this.backEl.hidden = !back;
    if (back) {
      setText(this.backEl, back.text);
      this.backEl.lang = back.language.toLowerCase();
    }
  }
}

/** Puts a preview above a live composer when the page has the template (reps' pages only). */
export function attachDraftPreview(conversationId: string, composer: HTMLFormElement): void {
  const template = document.getElementById('draft-preview-template');
  const input = composer.querySelector('textarea');
  if (!(template instanceof HTMLTemplateElement) || !input) return;
  const element = template.content.firstElementChild?.cloneNode(true);
  if (!(element instanceof HTMLElement)) return;
  composer.before(element);
  new DraftPreview(conversationId, element, input);
}
