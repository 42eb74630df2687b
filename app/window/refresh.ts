/**
 * Keeping the window's state current: the first load, the events the app pushes, and the refresh after
 * each user action (which also announces its result).
 */
import type { ViewState } from './context.ts';
import { announce, byId, errorText } from './page.ts';
import type { StatusApi, WindowError } from './types.ts';

/** What the loads share. */
export interface Loader {
  readonly api: StatusApi;
  readonly state: ViewState;
  /** Re-renders the sections whose data changed. */
  readonly render: () => void;
  /** Counts pushed status events: an answer to a request that started before the latest one is stale. */
  statusEpoch: number;
}

export async function refreshAudit(loader: Loader): Promise<void> {
  const r = await loader.api.getAudit({ ...loader.state.auditFilter, limit: 200 });
  if (r.ok) loader.state.audit = r.value;
  loader.render();
}

async function refreshSideData(loader: Loader): Promise<void> {
  const { api, state } = loader;
  // A pushed status event is newer than any answer to a request that started before it.
  const epoch = loader.statusEpoch;
  const [status, editors, settings, codes] = await Promise.all([
    api.getStatus(),
    api.listEditors(),
    api.getSettings(),
    api.getConfirmationCodes(),
  ]);
  if (status.ok && epoch === loader.statusEpoch) state.status = status.value;
  if (codes.ok) state.codes = codes.value;
  if (editors.ok) state.editors = editors.value;
  if (settings.ok) state.settings = settings.value;
  else announce(errorText(settings.error), 'error');
  await refreshAudit(loader);
}

/** A user action (Ctx.act's arguments). */
export interface Action {
  button: HTMLButtonElement | null;
  work: () => Promise<{ ok: true } | { ok: false; error: WindowError }>;
  success: string | undefined;
}

/** Ctx.act: a user action, its result announced, then everything refreshed. */
export async function act(loader: Loader, { button, work, success }: Action): Promise<WindowError | null> {
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
    await refreshSideData(loader);
  }
}

/** Status, device-code and confirmation-code events pushed by the app. */
export function listen(loader: Loader): void {
  const { api, state } = loader;
  api.onStatusChanged((status) => {
    loader.statusEpoch += 1;
    state.status = status;
    loader.render();
    void refreshAudit(loader);
  });
  api.onDeviceCode((code) => {
    state.deviceCode = code;
    loader.render();
  });
  api.onConfirmationCodes((codes) => {
    state.codes = codes;
    loader.render();
  });
}

/** Everything the window shows; scrolls to Settings until the app is configured; marks the page ready. */
export async function firstLoad(loader: Loader): Promise<void> {
  await refreshSideData(loader);
  if (loader.state.settings !== null && !loader.state.settings.configured) byId('settings').scrollIntoView();
  document.body.dataset.ready = 'true';
}
