/**
 * Status window entry: loads state through `window.graphBridge` (the preload's StatusApi), renders
 * each section, re-renders on status events, and ticks countdowns once a second.
 */
import { keepFocus } from './dom.ts';
import { emptyState, type Ctx, type ViewState } from './context.ts';
import { renderAccount, tickCountdowns } from './sections/account.ts';
import { renderAudit } from './sections/audit.ts';
import { renderConsent } from './sections/consent.ts';
import { renderEditors } from './sections/editors.ts';
import { pendingCount, renderPending } from './sections/pending.ts';
import { renderSettings } from './sections/settings.ts';
import type { StatusApi, WindowError } from './types.ts';

type Section = [id: string, render: (ctx: Ctx) => HTMLElement[], dependsOn: (s: ViewState) => unknown];
const SECTIONS: Section[] = [
  ['pending-body', renderPending, (s) => [s.status, s.codes]],
  ['account-body', renderAccount, (s) => [s.status, s.deviceCode, s.settings?.values.useBroker]],
  ['consent-body', renderConsent, (s) => [s.status, s.settings?.groups, s.adminConsentNeeded]],
  ['editors-body', renderEditors, (s) => [s.status?.clients, s.editors]],
  ['audit-body', renderAudit, (s) => [s.audit, s.auditFilter, s.status?.clients]],
  // Not on status changes: that would wipe what the user is typing.
  ['settings-body', renderSettings, (s) => [s.settings, s.settingsIssues, s.appInfo, s.demo]],
];

function byId(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`index.html is missing #${id}`);
  return el;
}

function announce(message: string, kind: 'ok' | 'error'): void {
  const ok = byId('announce');
  const alert = byId('alert');
  if (kind === 'ok') {
    ok.textContent = message;
    alert.hidden = true;
    alert.textContent = '';
  } else {
    alert.textContent = message;
    alert.hidden = false;
  }
}

function errorText(error: WindowError): string {
  return error.missingScopes !== undefined && error.missingScopes.length > 0
    ? `${error.message} (missing: ${error.missingScopes.join(', ')})`
    : error.message;
}

export function startWindow(api: StatusApi, now: () => number = Date.now): Ctx {
  const state = emptyState();

  let statusEpoch = 0;
  const rendered = new Map<string, string>();
  const render = (force = false) => {
    // Re-render a section only when its data changed: replacing buttons under the pointer or a screen
    // reader for nothing is hostile (countdowns tick in place, see tickCountdowns).
    for (const [id, section, dependsOn] of SECTIONS) {
      const signature = JSON.stringify(dependsOn(state)) ?? '';
      if (!force && rendered.get(id) === signature) continue;
      rendered.set(id, signature);
      const el = byId(id);
      keepFocus(el, () => el.replaceChildren(...section(ctx)));
    }
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
  };

  const refreshAudit = async () => {
    const r = await api.getAudit({ ...state.auditFilter, limit: 200 });
    if (r.ok) state.audit = r.value;
    render();
  };

  const refreshSideData = async () => {
    // A pushed status event is newer than any answer to a request that started before it.
    const epoch = statusEpoch;
    const [status, editors, settings, codes] = await Promise.all([
      api.getStatus(),
      api.listEditors(),
      api.getSettings(),
      api.getConfirmationCodes(),
    ]);
    if (status.ok && epoch === statusEpoch) state.status = status.value;
    if (codes.ok) state.codes = codes.value;
    if (editors.ok) state.editors = editors.value;
    if (settings.ok) state.settings = settings.value;
    else announce(errorText(settings.error), 'error');
    await refreshAudit();
  };

  const ctx: Ctx = {
    api,
    state,
    now,
    rerender: () => render(true),
    refreshAudit,
    async act(button, work, success) {
      if (button !== null) button.disabled = true;
      document.body.setAttribute('aria-busy', 'true');
      try {
        const result = await work();
        if (!result.ok) {
          announce(errorText(result.error), 'error');
          return result.error;
        }
        if (success !== undefined) announce(success, 'ok');
        return null;
      } finally {
        document.body.removeAttribute('aria-busy');
        if (button !== null && button.isConnected) button.disabled = false;
        await refreshSideData();
      }
    },
  };

  api.onStatusChanged((status) => {
    statusEpoch += 1;
    state.status = status;
    render();
    void refreshAudit();
  });
  api.onDeviceCode((code) => {
    state.deviceCode = code;
    render();
  });
  api.onConfirmationCodes((codes) => {
    state.codes = codes;
    render();
  });

  const pause = byId('pause-toggle') as HTMLButtonElement;
  pause.addEventListener('click', () => void ctx.act(pause, () => api.setPaused(!(state.status?.paused ?? false))));

  void (async () => {
    const info = await api.getAppInfo();
    if (info.ok) state.appInfo = info.value;
    else announce(errorText(info.error), 'error');
    await refreshSideData();
    if (state.settings !== null && !state.settings.configured) byId('settings').scrollIntoView();
    document.body.dataset.ready = 'true';
  })();

  setInterval(() => tickCountdowns(document, now()), 1000);
  render();
  return ctx;
}

startWindow(window.graphBridge);
