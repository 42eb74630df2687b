import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editorLocation, EDITOR_IDS, type EditorId } from '../../../app/platform/editor-paths.ts';

const linux = { platform: 'linux' as const, env: {}, homedir: '/home/ada' };
const mac = { platform: 'darwin' as const, env: {}, homedir: '/Users/ada' };
const win = {
  platform: 'win32' as const,
  env: {
    APPDATA: 'C:\\Users\\ada\\AppData\\Roaming',
    USERPROFILE: 'C:\\Users\\ada',
    LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local',
  },
  homedir: 'C:\\Users\\ada',
};

const EXPECTED: Record<EditorId, [linux: string, mac: string, win: string]> = {
  'claude-desktop': [
    '/home/ada/.config/Claude/claude_desktop_config.json',
    '/Users/ada/Library/Application Support/Claude/claude_desktop_config.json',
    'C:\\Users\\ada\\AppData\\Roaming\\Claude\\claude_desktop_config.json',
  ],
  'claude-code': ['/home/ada/.claude.json', '/Users/ada/.claude.json', 'C:\\Users\\ada\\.claude.json'],
  cursor: ['/home/ada/.cursor/mcp.json', '/Users/ada/.cursor/mcp.json', 'C:\\Users\\ada\\.cursor\\mcp.json'],
  vscode: [
    '/home/ada/.config/Code/User/mcp.json',
    '/Users/ada/Library/Application Support/Code/User/mcp.json',
    'C:\\Users\\ada\\AppData\\Roaming\\Code\\User\\mcp.json',
  ],
  windsurf: [
    '/home/ada/.codeium/windsurf/mcp_config.json',
    '/Users/ada/.codeium/windsurf/mcp_config.json',
    'C:\\Users\\ada\\.codeium\\windsurf\\mcp_config.json',
  ],
  zed: [
    '/home/ada/.config/zed/settings.json',
    '/Users/ada/.config/zed/settings.json',
    'C:\\Users\\ada\\AppData\\Roaming\\Zed\\settings.json',
  ],
};

for (const id of EDITOR_IDS) {
  void test(`${id}: config path on Linux, macOS and Windows`, () => {
    const [l, m, w] = EXPECTED[id];
    assert.equal(editorLocation(id, linux).configPath, l);
    assert.equal(editorLocation(id, mac).configPath, m);
    assert.equal(editorLocation(id, win).configPath, w);
    for (const input of [linux, mac, win]) assert.ok(editorLocation(id, input).installMarkers.length > 0);
  });
}

void test('XDG_CONFIG_HOME moves the Linux config of Electron apps and Zed, not home-dot-dir editors', () => {
  const input = { ...linux, env: { XDG_CONFIG_HOME: '/xdg' } };
  assert.equal(editorLocation('claude-desktop', input).configPath, '/xdg/Claude/claude_desktop_config.json');
  assert.equal(editorLocation('vscode', input).configPath, '/xdg/Code/User/mcp.json');
  assert.equal(editorLocation('zed', input).configPath, '/xdg/zed/settings.json');
  assert.equal(editorLocation('cursor', input).configPath, '/home/ada/.cursor/mcp.json');
  // macOS ignores XDG for these apps
  assert.equal(
    editorLocation('zed', { ...mac, env: { XDG_CONFIG_HOME: '/xdg' } }).configPath,
    '/Users/ada/.config/zed/settings.json',
  );
  // an empty value counts as unset
  assert.equal(
    editorLocation('zed', { ...linux, env: { XDG_CONFIG_HOME: ' ' } }).configPath,
    '/home/ada/.config/zed/settings.json',
  );
});

void test('Flatpak Zed uses FLATPAK_XDG_CONFIG_HOME', () => {
  const input = {
    ...linux,
    env: { FLATPAK_XDG_CONFIG_HOME: '/home/ada/.var/app/dev.zed.Zed/config', XDG_CONFIG_HOME: '/xdg' },
  };
  assert.equal(editorLocation('zed', input).configPath, '/home/ada/.var/app/dev.zed.Zed/config/zed/settings.json');
});

void test('CLAUDE_CONFIG_DIR moves Claude Code user config', () => {
  for (const input of [linux, mac]) {
    const loc = editorLocation('claude-code', { ...input, env: { CLAUDE_CONFIG_DIR: '/cfg/claude' } });
    assert.equal(loc.configPath, '/cfg/claude/.claude.json');
    assert.deepEqual(loc.installMarkers, ['/cfg/claude']);
  }
  assert.equal(
    editorLocation('claude-code', { ...win, env: { ...win.env, CLAUDE_CONFIG_DIR: 'D:\\claude' } }).configPath,
    'D:\\claude\\.claude.json',
  );
});

void test('Windows falls back to USERPROFILE / homedir when APPDATA is missing', () => {
  const bare = { platform: 'win32' as const, env: { USERPROFILE: 'D:\\Users\\ada' }, homedir: 'C:\\ignored' };
  assert.equal(editorLocation('vscode', bare).configPath, 'D:\\Users\\ada\\AppData\\Roaming\\Code\\User\\mcp.json');
  assert.equal(editorLocation('cursor', bare).configPath, 'D:\\Users\\ada\\.cursor\\mcp.json');
  const none = { platform: 'win32' as const, env: {}, homedir: 'C:\\Users\\bob' };
  assert.equal(editorLocation('zed', none).configPath, 'C:\\Users\\bob\\AppData\\Roaming\\Zed\\settings.json');
});

void test('VSCODE_PORTABLE points VS Code at the portable user-data folder', () => {
  const loc = editorLocation('vscode', { ...linux, env: { VSCODE_PORTABLE: '/opt/vscode/data' } });
  assert.equal(loc.configPath, '/opt/vscode/data/user-data/User/mcp.json');
});

void test('other Unixes resolve like Linux', () => {
  assert.equal(
    editorLocation('zed', { ...linux, platform: 'freebsd' }).configPath,
    '/home/ada/.config/zed/settings.json',
  );
});
