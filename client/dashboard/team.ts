// Who is available or away, live, and the rep's own switch. The server-rendered form works
// without this script; with it, the switch answers in place.
import type { ChatClient, TeamMember, User } from '../chat/chat-client.js';
import { h, setText } from '../lib/dom.js';
import { postJson } from '../lib/http.js';
import { t } from '../lib/i18n.js';

export class TeamPanel {
  private readonly list: HTMLElement | null;
  private readonly form: HTMLFormElement | null;

  constructor(
    root: HTMLElement,
    private readonly me: User,
    client: ChatClient,
  ) {
    this.list = root.querySelector('[data-part="team"]');
    this.form = root.querySelector('form[data-part="availability"]');
    client.on('team', (team) => this.render(team));
    this.form?.addEventListener('submit', (event) => {
      const button = (event as SubmitEvent).submitter as HTMLButtonElement | null;
      const availability = button?.value;
      if (availability !== 'available' && availability !== 'away') return;
      event.preventDefault();
      postJson<{ team: TeamMember[] }>('/support/availability', { availability }).then(
        ({ team }) => this.render(team),
        () => this.form?.submit(),
      );
    });
  }

  render(team: TeamMember[]): void {
    this.list?.replaceChildren(
      ...team.map((member) => {
        const away = member.availability === 'away';
        const tone = away ? 'bg-slate-200 text-slate-700' : 'bg-emerald-100 text-emerald-900';
        return h('li', { class: `rounded-full px-2 py-0.5 text-xs ${tone}`, 'data-rep-id': member.id, 'data-availability': member.availability },
          `${member.username}: ${away ? t('rep.away', 'away') : t('rep.available', 'available')}`);
      }),
    );
    const mine = team.find((member) => member.id === this.me.id);
    if (!mine || !this.form) return;
    const away = mine.availability === 'away';
    const label = this.form.querySelector('[data-part="my-availability"]');
    if (label) setText(label, away ? t('rep.away', 'away') : t('rep.available', 'available'));
    const button = this.form.querySelector<HTMLButtonElement>('button[name="availability"]');
    if (button) {
      button.value = away ? 'available' : 'away';
      setText(button, away ? t('rep.setAvailable', 'Set me available') : t('rep.setAway', 'Set me away'));
    }
  }
}
