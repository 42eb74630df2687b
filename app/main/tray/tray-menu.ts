/**
 * The tray menu as data: `buildTrayMenu(status, editors, state)` is pure and unit-tested for every
 * state; tray.ts renders the model to an Electron Menu and maps each item's `action` to a call.
 */
import type { BrokerStatus } from '../../shared/bridge-contract.ts';
import { attentionCounts } from './tray-state.ts';
import type { EditorInfo } from '../../shared/window-contract.ts';
import { escapeControls } from '../../shared/terminal-safe.ts';

export type TrayAction =
  | { type: 'sign-in' }
  | { type: 'sign-in-code' }
  | { type: 'sign-out' }
  | { type: 'open-window' }
  | { type: 'connect-editor'; editorId: string }
  | { type: 'copy-bridge-command' }
  | { type: 'set-paused'; paused: boolean }
  | { type: 'set-start-at-login'; enabled: boolean }
  | { type: 'quit' };

export type MenuItemModel =
  | { kind: 'label'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; label: string; action: TrayAction; enabled: boolean; checked?: boolean }
  | { kind: 'submenu'; label: string; enabled: boolean; items: MenuItemModel[] };

export type MenuModel = MenuItemModel[];

export interface TrayMenuState {
  /** A sign-in (browser, OS broker or device code) is under way. */
  signingIn: boolean;
  startAtLogin: boolean;
  /** The OS broker (WAM / Enterprise SSO) is enabled in settings: the sign-in label says so. */
  useOsBroker: boolean;
}

function accountSection(status: BrokerStatus): MenuItemModel[] {
  if (status.account === null) return [{ kind: 'label', label: 'Not signed in' }];
  const items: MenuItemModel[] = [{ kind: 'label', label: `Signed in as ${escapeControls(status.account.username)}` }];
  const n = attentionCounts(status);
  if (n.total > 0) items.push({ kind: 'label', label: `${n.total} waiting for your approval` });
  if (status.paused) items.push({ kind: 'label', label: 'Access paused: editors get no tokens' });
  return items;
}

function signInSection(status: BrokerStatus, state: TrayMenuState): MenuItemModel[] {
  const idle = !state.signingIn;
  const browserLabel = state.useOsBroker ? 'Sign in… (system account)' : 'Sign in… (browser)';
  const items: MenuItemModel[] = [
    {
      kind: 'action',
      label: state.signingIn ? 'Signing in…' : status.account === null ? browserLabel : 'Sign in with another account…',
      action: { type: 'sign-in' },
      enabled: idle,
    },
    // Stays enabled during a browser sign-in: choosing it aborts that flow (sign-in-controller: the latest
    // click wins), the way out when the browser did not open.
    { kind: 'action', label: 'Sign in with a code…', action: { type: 'sign-in-code' }, enabled: true },
  ];
  if (status.account !== null) {
    items.push({ kind: 'action', label: 'Sign out', action: { type: 'sign-out' }, enabled: idle });
  }
  return items;
}

function editorsSubmenu(editors: readonly EditorInfo[]): MenuItemModel {
  const items: MenuItemModel[] = editors.map((e) => ({
    kind: 'action',
    label: e.detected || e.connected ? e.name : `${e.name} (not found)`,
    action: { type: 'connect-editor', editorId: e.id },
    // Connecting rewrites the editor's config; an already connected editor stays checked and inert.
    enabled: !e.connected,
    checked: e.connected,
  }));
  return { kind: 'submenu', label: 'Connect editor', enabled: items.length > 0, items };
}

export function buildTrayMenu(status: BrokerStatus, editors: readonly EditorInfo[], state: TrayMenuState): MenuModel {
  return [
    ...accountSection(status),
    { kind: 'separator' },
    ...signInSection(status, state),
    { kind: 'separator' },
    { kind: 'action', label: 'Open status window', action: { type: 'open-window' }, enabled: true },
    editorsSubmenu(editors),
    { kind: 'action', label: 'Copy bridge command', action: { type: 'copy-bridge-command' }, enabled: true },
    { kind: 'separator' },
    {
      kind: 'action',
      label: 'Pause access',
      action: { type: 'set-paused', paused: !status.paused },
      enabled: true,
      checked: status.paused,
    },
    {
      kind: 'action',
      label: 'Start at login',
      action: { type: 'set-start-at-login', enabled: !state.startAtLogin },
      enabled: true,
      checked: state.startAtLogin,
    },
    { kind: 'separator' },
    { kind: 'action', label: 'Quit Graph Bridge', action: { type: 'quit' }, enabled: true },
  ];
}
