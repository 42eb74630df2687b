import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTrayActions } from '../../../../app/main/tray/tray-actions.ts';
import type { TrayAction } from '../../../../app/main/tray/tray-menu.ts';
import { createTrayView, toMenuTemplate } from '../../../../app/main/tray/tray.ts';

type MenuItemConstructorOptions = ReturnType<typeof toMenuTemplate>[number];
import { client, signedIn } from '../status-fixture.ts';

test('menu model → Electron template: labels disabled, checkboxes, submenus, clicks dispatch actions', () => {
  const actions: TrayAction[] = [];
  const template = toMenuTemplate(
    [
      { kind: 'label', label: 'Signed in as ada' },
      { kind: 'separator' },
      {
        kind: 'action',
        label: 'Pause access',
        action: { type: 'set-paused', paused: true },
        enabled: true,
        checked: false,
      },
      {
        kind: 'submenu',
        label: 'Connect editor',
        enabled: true,
        items: [
          {
            kind: 'action',
            label: 'Cursor',
            action: { type: 'connect-editor', editorId: 'cursor' },
            enabled: true,
            checked: false,
          },
        ],
      },
    ],
    (a) => actions.push(a),
  );
  assert.deepEqual(template[0], { label: 'Signed in as ada', enabled: false });
  assert.deepEqual(template[1], { type: 'separator' });
  assert.equal(template[2]?.type, 'checkbox');
  const click = (item: MenuItemConstructorOptions | undefined) => (item?.click as (() => void) | undefined)?.();
  click(template[2]);
  click((template[3]?.submenu as MenuItemConstructorOptions[])[0]);
  assert.deepEqual(actions, [
    { type: 'set-paused', paused: true },
    { type: 'connect-editor', editorId: 'cursor' },
  ]);
});

test('tray view: icon per state, tooltip with the account, a menu each update', () => {
  const calls: string[] = [];
  const icons: string[] = [];
  const view = createTrayView({
    tray: {
      setImage: (img) => calls.push(`image:${img as unknown as string}`),
      setToolTip: (t) => calls.push(`tip:${t.split('\n')[1]}`),
      setContextMenu: () => calls.push('menu'),
    },
    buildMenu: (t) => ({ items: t }) as never,
    icon: (state) => {
      icons.push(state);
      return `img-${state}` as never;
    },
    onAction: () => undefined,
  });
  const state = { signingIn: false, startAtLogin: false, useOsBroker: false };
  view.update(signedIn(), [], state);
  view.update(signedIn(), [], state);
  view.update(signedIn({ clients: [client('cursor', 'pending')] }), [], state);
  assert.deepEqual(calls, [
    'image:img-signed-in',
    'tip:Signed in as ada@contoso.com',
    'menu',
    'image:img-signed-in',
    'tip:Signed in as ada@contoso.com',
    'menu',
    'image:img-attention',
    'tip:Signed in as ada@contoso.com',
    'menu',
  ]);
  assert.deepEqual(icons, ['signed-in', 'signed-in', 'attention']);
});

test('tray actions: code sign-in opens the window (where the code shows); failures are logged, not thrown', async () => {
  const calls: string[] = [];
  const logs: string[] = [];
  const dispatch = createTrayActions({
    signIn: async () => calls.push('signIn'),
    signInWithCode: async () => calls.push('code'),
    signOut: () => Promise.reject(new Error('keychain locked')),
    showWindow: () => calls.push('show'),
    connectEditor: async (id) => calls.push(`connect:${id}`),
    copyBridgeCommand: () => calls.push('copy'),
    setPaused: (p) => calls.push(`paused:${p}`),
    setStartAtLogin: async (e) => calls.push(`login:${e}`),
    quit: () => calls.push('quit'),
    log: (l) => logs.push(l),
  });
  for (const a of [
    { type: 'sign-in-code' },
    { type: 'connect-editor', editorId: 'zed' },
    { type: 'set-paused', paused: true },
    { type: 'set-start-at-login', enabled: true },
    { type: 'copy-bridge-command' },
    { type: 'sign-out' },
    { type: 'quit' },
  ] as TrayAction[])
    dispatch(a);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(calls, ['show', 'code', 'connect:zed', 'paused:true', 'login:true', 'copy', 'quit']);
  assert.deepEqual(logs, ['tray: sign-out failed: keychain locked']);
});
