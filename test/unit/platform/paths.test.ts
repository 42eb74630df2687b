import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveAppPaths, osKindOf } from '../../../app/platform/paths.ts';

void test('Linux uses XDG dirs, falling back to ~/.config and ~/.local/state', () => {
  const xdg = resolveAppPaths({
    os: 'linux',
    env: { XDG_CONFIG_HOME: '/x/cfg', XDG_STATE_HOME: '/x/state', XDG_RUNTIME_DIR: '/run/user/1000' },
    homedir: '/home/ada',
    username: 'ada',
  });
  assert.equal(xdg.configDir, '/x/cfg/graph-bridge');
  assert.equal(xdg.stateDir, '/x/state/graph-bridge');
  assert.equal(xdg.logDir, '/x/state/graph-bridge/logs');
  assert.equal(xdg.endpoint.path, '/run/user/1000/graph-bridge/broker.sock');
  const plain = resolveAppPaths({ os: 'linux', env: {}, homedir: '/home/ada', username: 'ada' });
  assert.equal(plain.configDir, '/home/ada/.config/graph-bridge');
  assert.equal(plain.stateDir, '/home/ada/.local/state/graph-bridge');
  assert.equal(plain.endpoint.dir, '/home/ada/.local/state/graph-bridge/run');
});

void test('macOS uses ~/Library/Application Support/Graph Bridge', () => {
  const p = resolveAppPaths({
    os: 'darwin',
    env: { XDG_CONFIG_HOME: '/ignored' },
    homedir: '/Users/ada',
    username: 'ada',
  });
  assert.equal(p.configDir, '/Users/ada/Library/Application Support/Graph Bridge');
  assert.equal(p.stateDir, '/Users/ada/Library/Application Support/Graph Bridge/state');
  assert.equal(p.endpoint.path, '/Users/ada/Library/Application Support/Graph Bridge/run/broker.sock');
});

void test('Windows uses %APPDATA% for config and %LOCALAPPDATA% for state, and a named pipe', () => {
  const p = resolveAppPaths({
    os: 'win32',
    env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming', LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' },
    homedir: 'C:\\Users\\ada',
    username: 'ada',
  });
  assert.equal(p.configDir, 'C:\\Users\\ada\\AppData\\Roaming\\Graph Bridge');
  assert.equal(p.stateDir, 'C:\\Users\\ada\\AppData\\Local\\Graph Bridge');
  assert.equal(p.logDir, 'C:\\Users\\ada\\AppData\\Local\\Graph Bridge\\logs');
  assert.match(p.endpoint.path, /^\\\\\.\\pipe\\graph-bridge-[0-9a-f]{8}$/);
  const fallback = resolveAppPaths({ os: 'win32', env: {}, homedir: 'C:\\Users\\ada', username: 'ada' });
  assert.equal(fallback.configDir, 'C:\\Users\\ada\\AppData\\Roaming\\Graph Bridge');
});

void test('GRAPH_BRIDGE_HOME overrides the config and state roots on every OS', () => {
  for (const os of ['linux', 'darwin'] as const) {
    const p = resolveAppPaths({
      os,
      env: { GRAPH_BRIDGE_HOME: '/tmp/gb', XDG_CONFIG_HOME: '/x' },
      homedir: '/h',
      username: 'u',
    });
    assert.equal(p.configDir, '/tmp/gb/config');
    assert.equal(p.stateDir, '/tmp/gb/state');
    assert.equal(p.endpoint.dir, '/tmp/gb/run');
  }
  const w = resolveAppPaths({ os: 'win32', env: { GRAPH_BRIDGE_HOME: 'D:\\gb' }, homedir: 'C:\\h', username: 'u' });
  assert.equal(w.configDir, 'D:\\gb\\config');
  assert.equal(w.stateDir, 'D:\\gb\\state');
});

void test('other Unixes are treated like Linux', () => {
  assert.equal(osKindOf('freebsd'), 'linux');
  assert.equal(osKindOf('darwin'), 'darwin');
  assert.equal(osKindOf('win32'), 'win32');
});

void test('each GRAPH_BRIDGE_HOME profile has its own keychain entry; the default profile keeps "Graph Bridge"', () => {
  const plain = resolveAppPaths({ os: 'linux', env: {}, homedir: '/home/ada', username: 'ada' });
  assert.equal(plain.keychainService, 'Graph Bridge');
  const demo = resolveAppPaths({
    os: 'linux',
    env: { GRAPH_BRIDGE_HOME: '/home/ada/src/graph-bridge/.graph-bridge-demo' },
    homedir: '/home/ada',
    username: 'ada',
  });
  assert.equal(demo.keychainService, 'Graph Bridge (/home/ada/src/graph-bridge/.graph-bridge-demo)');
  const win = resolveAppPaths({
    os: 'win32',
    env: { GRAPH_BRIDGE_HOME: 'D:\\GB' },
    homedir: 'C:\\Users\\ada',
    username: 'ada',
  });
  assert.equal(win.keychainService, 'Graph Bridge (D:\\GB)');
});

void test('default upload folders: Downloads, Documents, Desktop; on Linux where xdg-user-dirs puts them', async () => {
  const { defaultUploadFolders, parseXdgUserDirs } = await import('../../../app/platform/paths.ts');
  const userDirs = [
    '# This file is written by xdg-user-dirs-update',
    'XDG_DESKTOP_DIR="$HOME/"',
    'XDG_DOWNLOAD_DIR="$HOME/Téléchargements"',
    'XDG_DOCUMENTS_DIR="/data/ada/docs"',
    'XDG_MUSIC_DIR="$HOME/Music"',
    'XDG_TEMPLATES_DIR=$HOME/unquoted',
  ].join('\n');
  assert.deepEqual(parseXdgUserDirs(userDirs, '/home/ada'), {
    XDG_DESKTOP_DIR: '/home/ada',
    XDG_DOWNLOAD_DIR: '/home/ada/Téléchargements',
    XDG_DOCUMENTS_DIR: '/data/ada/docs',
    XDG_MUSIC_DIR: '/home/ada/Music',
  });
  assert.deepEqual(
    defaultUploadFolders({ os: 'linux', env: {}, homedir: '/home/ada', userDirs }),
    ['/home/ada/Téléchargements', '/data/ada/docs'],
    'a desktop set to $HOME/ is disabled (xdg-user-dirs), not the whole home folder',
  );
  assert.deepEqual(defaultUploadFolders({ os: 'linux', env: { XDG_DOWNLOAD_DIR: '/mnt/dl' }, homedir: '/home/ada' }), [
    '/mnt/dl',
    '/home/ada/Documents',
    '/home/ada/Desktop',
  ]);
  assert.deepEqual(
    defaultUploadFolders({ os: 'darwin', env: { XDG_DOWNLOAD_DIR: '/ignored' }, homedir: '/Users/ada', userDirs }),
    ['/Users/ada/Downloads', '/Users/ada/Documents', '/Users/ada/Desktop'],
  );
  assert.deepEqual(defaultUploadFolders({ os: 'win32', env: {}, homedir: 'C:\\Users\\ada' }), [
    'C:\\Users\\ada\\Downloads',
    'C:\\Users\\ada\\Documents',
    'C:\\Users\\ada\\Desktop',
  ]);
});

void test('effective upload folders: null = the defaults; ~ is expanded; relative entries are dropped', async () => {
  const { effectiveUploadFolders, graphBridgeFolders } = await import('../../../app/platform/paths.ts');
  const facts = { os: 'linux' as const, homedir: '/home/ada', defaults: ['/home/ada/Downloads'] };
  assert.deepEqual(effectiveUploadFolders(null, facts), ['/home/ada/Downloads']);
  assert.deepEqual(effectiveUploadFolders([], facts), [], 'an empty list allows no folder');
  assert.deepEqual(effectiveUploadFolders(['~/Reports/', '~', '/srv/x/../y', 'relative', '~/Reports'], facts), [
    '/home/ada/Reports',
    '/home/ada',
    '/srv/y',
  ]);
  assert.deepEqual(
    effectiveUploadFolders(['~\\Docs', 'D:\\Shared'], { os: 'win32', homedir: 'C:\\Users\\ada', defaults: [] }),
    ['C:\\Users\\ada\\Docs', 'D:\\Shared'],
  );
  const paths = resolveAppPaths({ os: 'linux', env: { GRAPH_BRIDGE_HOME: '/tmp/gb' }, homedir: '/h', username: 'u' });
  assert.deepEqual(graphBridgeFolders(paths), ['/tmp/gb/config', '/tmp/gb/state', '/tmp/gb/state/logs', '/tmp/gb/run']);
});
