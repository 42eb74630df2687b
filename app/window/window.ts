/**
 * Status window entry: loads state through `window.graphBridge` (the preload's StatusApi), renders
 * each section, re-renders on status events, and ticks countdowns once a second.
 */
import { keepFocus } from './dom.ts';
import { emptyState, type Ctx } from './context.ts';
import { renderAccount, tickCountdowns } from './sections/account.ts';
import { renderAudit } from './sections/audit.ts';
import { renderConsent } from './sections/consent.ts';
import { renderEditors } from './sections/editors.ts';
import { pendingCount, renderPending } from './sections/pending.ts';
import { renderSettings } from './sections/settings.ts';
import type { StatusApi, WindowError } from './types.ts';

const SECTIONS: [string, (ctx: Ctx) => HTMLElement[]][] = [
  ['pending-body', renderPending],
  ['account-body', renderAccount],
  ['consent-body', renderConsent],
  ['editors-body', renderEditors],
  ['audit-body', renderAudit],
  ['settings-body', renderSettings],
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

  const render = () => {
    for (const [id, section] of SECTIONS) {
      const el = byId(id);
      keepFocus(el, () => el.replaceChildren(...section(ctx)));
    }
    const n = pendingCount(state.status);
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
    const [status, editors, settings] = await Promise.all([api.getStatus(), api.listEditors(), api.getSettings()]);
    if (status.ok) state.status = status.value;
    if (editors.ok) state.editors = editors.value;
    if (settings.ok) state.settings = settings.value;
    else announce(errorText(settings.error), 'error');
    await refreshAudit();
  };

  const ctx: Ctx = {
    api,
    state,
    now,
    rerender: render,
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
    state.status = status;
    render();
    void refreshAudit();
  });
  api.onDeviceCode((code) => {
    state.deviceCode = code;
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
