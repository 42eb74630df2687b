/**
 * Rendering the window: each section (a table: element id, renderer, the data it depends on) is
 * replaced only when its data changed, then the header (pending count, pause, account, title).
 */
import { keepFocus } from './dom.ts';
import type { Ctx, ViewState } from './context.ts';
import { byId } from './page.ts';
import { renderAccount } from './sections/account.ts';
import { renderAudit } from './sections/audit.ts';
import { renderConsent } from './sections/consent.ts';
import { renderEditors } from './sections/editors.ts';
import { pendingCount, renderPending } from './sections/pending.ts';
import { renderSettings } from './sections/settings.ts';

type Section = [id: string, render: (ctx: Ctx) => HTMLElement[], dependsOn: (s: ViewState) => unknown];
const SECTIONS: Section[] = [
  ['pending-body', renderPending, (s) => [s.status, s.codes]],
  ['account-body', renderAccount, (s) => [s.status, s.deviceCode, s.settings?.values.useBroker]],
  ['consent-body', renderConsent, (s) => [s.status, s.settings?.groups, s.adminConsentNeeded]],
  ['editors-body', renderEditors, (s) => [s.status?.clients, s.editors]],
  ['audit-body', renderAudit, (s) => [s.audit, s.auditFilter, s.status?.clients]],
  // Not on status changes: that would wipe what the user is typing.
  ['settings-body', renderSettings, (s) => [s.settings, s.settingsIssues, s.settingsDraft]],
];

/** Renders the window for `ctx`; `force` re-renders every section. */
export type Render = (ctx: Ctx, force?: boolean) => void;

function renderHeader(state: ViewState): void {
  const n = pendingCount(state.status, state.codes);
  byId('pending-count').textContent = n === 0 ? '' : String(n);
  byId('pending').classList.toggle('attention', n > 0);
  const paused = state.status?.paused === true;
  byId('paused-banner').hidden = !paused;
  const pause = byId('pause-toggle') as HTMLButtonElement;
  pause.textContent = paused ? 'Resume access' : 'Pause access';
  pause.setAttribute('aria-pressed', String(paused));
  const account = state.status?.account;
  byId('header-account').textContent = account == null ? 'Not signed in' : account.username;
  document.title = n > 0 ? `(${n}) Graph Bridge` : 'Graph Bridge';
}

export function createRender(): Render {
  const rendered = new Map<string, string>();
  return (ctx, force = false) => {
    // Re-render a section only when its data changed: replacing buttons under the pointer or a screen
    // reader for nothing is hostile (countdowns tick in place, see tickCountdowns).
    for (const [id, section, dependsOn] of SECTIONS) {
      const signature = JSON.stringify(dependsOn(ctx.state)) ?? '';
      if (!force && rendered.get(id) === signature) continue;
      rendered.set(id, signature);
      const el = byId(id);
      keepFocus(el, () => el.replaceChildren(...section(ctx)));
    }
    renderHeader(ctx.state);
  };
}
