import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import { mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  autostartDir,
  autostartEntry,
  createElectronLoginItem,
  createLoginItem,
  createXdgLoginItem,
  execValue,
  parseDesktopEntry,
  parseExecValue,
  quoteExecArg,
  type AutostartFs,
  type ElectronLoginItemApi,
} from '../../../app/platform/login-item.ts';
import { createPlatform } from '../../../app/platform/platform.ts';

async function tempHome(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gb-autostart-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const noElectron: ElectronLoginItemApi = {
  getLoginItemSettings: () => {
    throw new Error('Electron login items are not used on Linux');
  },
  setLoginItemSettings: () => {
    throw new Error('Electron login items are not used on Linux');
  },
};

test('Exec quoting follows the Desktop Entry spec: reserved characters quoted, ", `, $ and \\ escaped', () => {
  assert.equal(quoteExecArg('/opt/GraphBridge/graph-bridge'), '/opt/GraphBridge/graph-bridge');
  assert.equal(quoteExecArg('/home/ada/My Apps/Graph Bridge.AppImage'), '"/home/ada/My Apps/Graph Bridge.AppImage"');
  assert.equal(quoteExecArg('a"b'), '"a\\"b"');
  assert.equal(quoteExecArg('a`b$c'), '"a\\`b\\$c"');
  assert.equal(quoteExecArg(''), '""');
  // The general string escape runs after quoting: a literal backslash becomes FOUR in the file,
  // a literal dollar sign "\\$" (both examples are the spec's own).
  assert.equal(execValue({ executable: '/x/a\\b', args: [] }), '"/x/a\\\\\\\\b"');
  assert.equal(execValue({ executable: '/x/$HOME', args: [] }), '"/x/\\\\$HOME"');
  // % is a field-code introducer: a literal one is written %%.
  assert.equal(execValue({ executable: '/opt/100%/app', args: [] }), '"/opt/100%%/app"');
  // A newline inside an argument cannot break the line: string escape \n.
  assert.equal(execValue({ executable: '/a\nb', args: [] }), '"/a\\nb"');
});

test('Exec values round-trip through the parser for awkward paths', () => {
  const paths = [
    '/home/ada/Applications/Graph Bridge-0.1.0.AppImage',
    "/home/o'brien/apps/graph bridge",
    '/tmp/we"ird/$dir/`cmd`/back\\slash/100%/tab\there',
    '/plain/path',
  ];
  for (const executable of paths) {
    const command = { executable, args: ['/srv/checkout with space/dist/main.cjs', '--flag'] };
    assert.deepEqual(parseExecValue(execValue(command)), [executable, ...command.args], executable);
  }
  assert.equal(parseExecValue('"unterminated'), null);
  // Other writers' spellings: \s escape for a space, unquoted arguments.
  assert.deepEqual(parseExecValue('/usr/bin/env\\sX /opt/app'), ['/usr/bin/env', 'X', '/opt/app']);
});

test('autostart dir: $XDG_CONFIG_HOME/autostart, ~/.config/autostart when unset or relative', () => {
  assert.equal(autostartDir({ XDG_CONFIG_HOME: '/cfg' }, '/home/ada'), '/cfg/autostart');
  assert.equal(autostartDir({}, '/home/ada'), '/home/ada/.config/autostart');
  assert.equal(autostartDir({ XDG_CONFIG_HOME: 'relative/cfg' }, '/home/ada'), '/home/ada/.config/autostart');
});

test('the entry is a valid Desktop Entry with X-GNOME-Autostart-enabled=true and TryExec', () => {
  const entry = parseDesktopEntry(autostartEntry({ executable: '/opt/Graph Bridge/graph-bridge', args: [] }));
  assert.equal(entry.get('Type'), 'Application');
  assert.equal(entry.get('Name'), 'Graph Bridge');
  assert.equal(entry.get('Exec'), '"/opt/Graph Bridge/graph-bridge"');
  assert.equal(entry.get('TryExec'), '/opt/Graph Bridge/graph-bridge');
  assert.equal(entry.get('X-GNOME-Autostart-enabled'), 'true');
  assert.equal(entry.get('Terminal'), 'false');
});

test('Linux: enabling writes graph-bridge.desktop atomically; disabling removes it; state follows the file', async (t) => {
  const home = await tempHome(t);
  const env = { XDG_CONFIG_HOME: join(home, 'config dir') };
  const command = { executable: '/usr/lib/electron/electron', args: [join(home, 'check out/dist/main.cjs')] };
  const item = createXdgLoginItem({ env, homedir: home, command, fs });
  const file = join(home, 'config dir', 'autostart', 'graph-bridge.desktop');

  assert.equal(item.kind, 'xdg-autostart');
  assert.equal(await item.isEnabled(), false, 'no file yet');
  await item.setEnabled(true);
  assert.equal(await item.isEnabled(), true);
  const text = await readFile(file, 'utf8');
  assert.deepEqual(parseExecValue(parseDesktopEntry(text).get('Exec') ?? ''), [command.executable, ...command.args]);
  assert.equal((await stat(file)).mode & 0o777, 0o644);
  assert.deepEqual(await readdir(join(home, 'config dir', 'autostart')), ['graph-bridge.desktop'], 'no temp file left');

  await item.setEnabled(true); // idempotent: replaces the file
  assert.equal(await item.isEnabled(), true);
  await item.setEnabled(false);
  assert.equal(await item.isEnabled(), false);
  await assert.rejects(stat(file), { code: 'ENOENT' });
  await item.setEnabled(false); // already gone: no error
});

test('Linux AppImage: the entry runs $APPIMAGE (stable), not the per-run mount path', async (t) => {
  const home = await tempHome(t);
  const appImage = join(home, 'Applications', 'Graph Bridge-0.1.0.AppImage');
  const env = { APPIMAGE: appImage };
  const mounted = { executable: '/tmp/.mount_GraphBXYZ/graph-bridge', args: [] };
  const item = createXdgLoginItem({ env, homedir: home, command: mounted, fs });
  await item.setEnabled(true);
  const text = await readFile(join(home, '.config', 'autostart', 'graph-bridge.desktop'), 'utf8');
  assert.deepEqual(parseExecValue(parseDesktopEntry(text).get('Exec') ?? ''), [appImage]);
  // The next run is mounted elsewhere but has the same APPIMAGE: still "on".
  const nextRun = createXdgLoginItem({
    env,
    homedir: home,
    command: { executable: '/tmp/.mount_GraphBABC/graph-bridge', args: [] },
    fs,
  });
  assert.equal(await nextRun.isEnabled(), true);
});

test('Linux: an entry for another executable, or one the desktop disabled, shows as off; enabling repoints it', async (t) => {
  const home = await tempHome(t);
  const dir = join(home, '.config', 'autostart');
  const file = join(dir, 'graph-bridge.desktop');
  await mkdir(dir, { recursive: true });
  const command = { executable: '/opt/graph-bridge/graph-bridge', args: [] };
  const item = createXdgLoginItem({ env: {}, homedir: home, command, fs });

  await writeFile(file, autostartEntry({ executable: '/old/place/Graph Bridge.AppImage', args: [] }));
  assert.equal(await item.isEnabled(), false, 'points at another copy');
  await writeFile(
    file,
    autostartEntry(command).replace('X-GNOME-Autostart-enabled=true', 'X-GNOME-Autostart-enabled=false'),
  );
  assert.equal(await item.isEnabled(), false, 'disabled in GNOME Tweaks');
  await writeFile(file, `${autostartEntry(command)}Hidden=true\n`);
  assert.equal(await item.isEnabled(), false, 'Hidden=true means deleted');
  await writeFile(file, '[Desktop Entry]\nExec="broken\n');
  assert.equal(await item.isEnabled(), false, 'malformed Exec');

  await item.setEnabled(true);
  assert.equal(await item.isEnabled(), true);
  assert.equal(await readFile(file, 'utf8'), autostartEntry(command));
});

test('Linux: a failed write leaves neither a temp file nor a half-written entry, and says what to do', async (t) => {
  const home = await tempHome(t);
  const failingRename: AutostartFs = {
    ...fs,
    rename: () => Promise.reject(Object.assign(new Error('EXDEV: cross-device link'), { code: 'EXDEV' })),
  };
  const item = createXdgLoginItem({
    env: {},
    homedir: home,
    command: { executable: '/opt/app', args: [] },
    fs: failingRename,
  });
  await assert.rejects(item.setEnabled(true), /Could not write .*graph-bridge\.desktop: EXDEV.*writable/);
  assert.deepEqual(await readdir(join(home, '.config', 'autostart')), []);
  assert.equal(await item.isEnabled(), false);
});

test('Linux: a program path with "=" is refused (the spec forbids it) before anything is written', async (t) => {
  const home = await tempHome(t);
  const item = createXdgLoginItem({ env: {}, homedir: home, command: { executable: '/opt/a=b/app', args: [] }, fs });
  await assert.rejects(item.setEnabled(true), /forbids "=".*Move the app/);
  await assert.rejects(stat(join(home, '.config', 'autostart')), { code: 'ENOENT' });
});

test('macOS/Windows: Electron login-item API; Windows stores our path and args', async () => {
  const calls: unknown[] = [];
  let open = false;
  const electron: ElectronLoginItemApi = {
    getLoginItemSettings: (o) => (calls.push(['get', o]), { openAtLogin: open }),
    setLoginItemSettings: (s) => {
      calls.push(['set', s]);
      open = s.openAtLogin;
    },
  };
  const command = { executable: 'C:\\Program Files\\Graph Bridge\\Graph Bridge.exe', args: [] };
  const win = createElectronLoginItem({ electron, command, os: 'win32' });
  assert.equal(win.kind, 'electron');
  await win.setEnabled(true);
  assert.equal(await win.isEnabled(), true);
  assert.deepEqual(calls, [
    ['set', { openAtLogin: true, path: command.executable, args: [] }],
    ['get', { path: command.executable, args: [] }],
  ]);
  calls.length = 0;
  const mac = createElectronLoginItem({ electron, command, os: 'darwin' });
  await mac.setEnabled(false);
  assert.deepEqual(calls, [['set', { openAtLogin: false }]]);
});

test('one place picks the implementation: createLoginItem and Platform.loginItem by OS', async (t) => {
  const home = await tempHome(t);
  const command = { executable: '/opt/app', args: [] };
  const fake: ElectronLoginItemApi = {
    getLoginItemSettings: () => ({ openAtLogin: true }),
    setLoginItemSettings: () => undefined,
  };
  assert.equal(
    createLoginItem({ os: 'linux', env: {}, homedir: home, command, electron: noElectron, fs }).kind,
    'xdg-autostart',
  );
  assert.equal(createLoginItem({ os: 'darwin', env: {}, homedir: home, command, electron: fake, fs }).kind, 'electron');
  assert.equal(createLoginItem({ os: 'win32', env: {}, homedir: home, command, electron: fake, fs }).kind, 'electron');

  const linux = createPlatform({
    platform: 'linux',
    env: { XDG_CONFIG_HOME: join(home, 'xdg') },
    homedir: home,
    uid: 1000,
  });
  const item = linux.loginItem({ command, electron: noElectron });
  await item.setEnabled(true);
  assert.ok((await stat(join(home, 'xdg', 'autostart', 'graph-bridge.desktop'))).isFile());
  const mac = createPlatform({ platform: 'darwin', env: {}, homedir: home, uid: 501 });
  assert.equal(await mac.loginItem({ command, electron: fake }).isEnabled(), true);
});
