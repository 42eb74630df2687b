import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildTrayMenu,
  type MenuItemModel,
  type MenuModel,
  type TrayAction,
} from '../../../../app/main/tray/tray-menu.ts';
import type { EditorInfo } from '../../../../app/shared/window-contract.ts';
import { client, consentRequest, signedIn, status, writeApproval } from '../status-fixture.ts';

const idle = { signingIn: false, startAtLogin: false, useOsBroker: false };
const editors: EditorInfo[] = [
  { id: 'claude-desktop', name: 'Claude Desktop', detected: true, connected: true, configPath: '/c.json' },
  { id: 'cursor', name: 'Cursor', detected: true, connected: false, configPath: '/cursor.json' },
  { id: 'zed', name: 'Zed', detected: false, connected: false, configPath: null },
];

function labels(menu: MenuModel): string[] {
  return menu.map((i) => (i.kind === 'separator' ? '---' : i.label));
}
function action(menu: MenuModel, type: TrayAction['type']): Extract<MenuItemModel, { kind: 'action' }> {
  const item = menu.find((i) => i.kind === 'action' && i.action.type === type);
  assert.ok(item !== undefined && item.kind === 'action', `no ${type} item`);
  return item;
}

test('signed out: account line, sign-in entries, no sign-out', () => {
  const menu = buildTrayMenu(status(), editors, idle);
  assert.deepEqual(labels(menu), [
    'Not signed in',
    '---',
    'Sign in… (browser)',
    'Sign in with a code…',
    '---',
    'Open status window',
    'Connect editor',
    'Copy bridge command',
    '---',
    'Pause access',
    'Start at login',
    '---',
    'Quit Graph Bridge',
  ]);
  assert.equal(action(menu, 'sign-in').enabled, true);
});

test('signed in: account line with the username and a sign-out item', () => {
  const menu = buildTrayMenu(signedIn(), editors, idle);
  assert.equal(menu[0]?.kind === 'label' && menu[0].label, 'Signed in as ada@contoso.com');
  assert.equal(action(menu, 'sign-out').enabled, true);
  assert.equal(action(menu, 'sign-in').label, 'Sign in with another account…');
});

test('OS broker enabled: the sign-in label says it uses the system account', () => {
  const menu = buildTrayMenu(status(), editors, { ...idle, useOsBroker: true });
  assert.equal(action(menu, 'sign-in').label, 'Sign in… (system account)');
});

test('while signing in, sign-in/out are disabled but "Sign in with a code…" stays: it replaces a stuck browser flow', () => {
  const menu = buildTrayMenu(signedIn(), editors, { ...idle, signingIn: true });
  assert.equal(action(menu, 'sign-in').label, 'Signing in…');
  for (const t of ['sign-in', 'sign-out'] as const) assert.equal(action(menu, t).enabled, false, t);
  assert.equal(action(menu, 'sign-in-code').enabled, true);
});

test('needs attention: a line counts pending clients, consent and write approvals', () => {
  const s = signedIn({
    clients: [client('cursor', 'pending'), client('claude-ai', 'approved')],
    pendingConsent: [consentRequest('c1')],
    pendingApprovals: [writeApproval('w1'), writeApproval('w2')],
  });
  const menu = buildTrayMenu(s, editors, idle);
  assert.ok(labels(menu).includes('4 waiting for your approval'));
});

test('paused: a paused line, "Pause access" checked, and choosing it resumes', () => {
  const menu = buildTrayMenu(signedIn({ paused: true }), editors, idle);
  assert.ok(labels(menu).includes('Access paused: editors get no tokens'));
  const pause = action(menu, 'set-paused');
  assert.equal(pause.checked, true);
  assert.deepEqual(pause.action, { type: 'set-paused', paused: false });
  const running = action(buildTrayMenu(signedIn(), editors, idle), 'set-paused');
  assert.deepEqual([running.checked, running.action], [false, { type: 'set-paused', paused: true }]);
});

test('start at login reflects the state and toggles it', () => {
  const on = action(buildTrayMenu(status(), editors, { ...idle, startAtLogin: true }), 'set-start-at-login');
  assert.deepEqual([on.checked, on.action], [true, { type: 'set-start-at-login', enabled: false }]);
});

test('Connect editor submenu: one item per editor, checked (and inert) when connected', () => {
  const sub = buildTrayMenu(status(), editors, idle).find((i) => i.kind === 'submenu');
  assert.ok(sub !== undefined && sub.kind === 'submenu');
  assert.deepEqual(
    sub.items.map((i) => (i.kind === 'action' ? [i.label, i.checked, i.enabled, i.action] : null)),
    [
      ['Claude Desktop', true, false, { type: 'connect-editor', editorId: 'claude-desktop' }],
      ['Cursor', false, true, { type: 'connect-editor', editorId: 'cursor' }],
      ['Zed (not found)', false, true, { type: 'connect-editor', editorId: 'zed' }],
    ],
  );
  const none = buildTrayMenu(status(), [], idle).find((i) => i.kind === 'submenu');
  assert.equal(none?.kind === 'submenu' && none.enabled, false);
});
