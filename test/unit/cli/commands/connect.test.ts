import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { hostLauncher, runConnect, runDisconnect, type ConnectDeps } from '../../../../app/cli/commands/connect.ts';
import { createPlatform } from '../../../../app/platform/platform.ts';
import { hashEditorKey } from '../../../../app/broker/approvals/editor-credentials.ts';
import { tempHome } from '../../clients/helpers.ts';

function cli(home: string, extraEnv: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const env = { XDG_CONFIG_HOME: join(home, '.config'), GRAPH_BRIDGE_HOME: join(home, 'gb'), ...extraEnv };
  const deps: ConnectDeps = {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    env,
    cwd: home,
    platform: createPlatform({ platform: 'linux', env, homedir: home, username: 'ada', uid: 1000 }),
    version: '0.0.0-test',
    signal: new AbortController().signal,
    bridgeEntry: '/opt/gb/dist/bridge.js',
    execPath: '/usr/bin/node',
    terminal: { interactive: false, showsOutput: false, ask: () => Promise.resolve(null) },
  };
  return { deps, out: () => out.join(''), err: () => err.join('') };
}

const zedFile = (home: string) => join(home, '.config', 'zed', 'settings.json');

void test('connect zed --read-only --tools writes the entry and says what to do next', async () => {
  const { home, cleanup } = await tempHome();
  try {
    const c = cli(home);
    assert.equal(await runConnect(['zed', '--read-only', '--tools', 'mail,calendar'], c.deps), 0);
    assert.match(c.out(), /Connected Zed: created .*settings\.json/);
    assert.match(c.out(), /Next: /);
    const doc = JSON.parse(await readFile(zedFile(home), 'utf8')) as { context_servers: Record<string, unknown> };
    const entry = doc.context_servers['graph-bridge'] as { env: Record<string, string> };
    const key = entry.env.GRAPH_BRIDGE_EDITOR_KEY ?? '';
    assert.match(key, /^[0-9a-f]{64}$/, 'connect mints the editor credential into the entry');
    assert.deepEqual(entry, {
      source: 'custom',
      command: '/usr/bin/node',
      args: ['/opt/gb/dist/bridge.js', '--tools', 'mail,calendar', '--read-only'],
      env: {
        GRAPH_BRIDGE_HOME: join(home, 'gb'),
        GRAPH_BRIDGE_LAUNCH: '["/usr/bin/node","/opt/gb/dist/cli.js","agent"]',
        GRAPH_BRIDGE_EDITOR_KEY: key,
      },
    });
    const keys = await readFile(join(home, 'gb', 'state', 'editor-keys.json'), 'utf8');
    assert.ok(keys.includes(hashEditorKey(key)) && !keys.includes(key), 'the broker side keeps only its hash');
    const again = cli(home);
    assert.equal(await runConnect(['zed', '--read-only', '--tools', 'mail,calendar'], again.deps), 0);
    assert.match(again.out(), /already connected/);

    const off = cli(home);
    assert.equal(await runDisconnect(['zed'], off.deps), 0);
    const after = JSON.parse(await readFile(join(home, 'gb', 'state', 'editor-keys.json'), 'utf8')) as {
      editors: Record<string, unknown>;
    };
    assert.deepEqual(after.editors, {}, 'disconnect revokes the credential');
  } finally {
    await cleanup();
  }
});

void test('settings extraCaFile goes into the entry as NODE_EXTRA_CA_CERTS', async () => {
  const { home, cleanup } = await tempHome();
  try {
    await mkdir(join(home, 'gb', 'config'), { recursive: true });
    await writeFile(join(home, 'gb', 'config', 'settings.json'), JSON.stringify({ extraCaFile: '/etc/corp-ca.pem' }));
    const c = cli(home);
    assert.equal(await runConnect(['--print', 'cursor'], c.deps), 0);
    const snippet = JSON.parse(c.out()) as { mcpServers: Record<string, { env: Record<string, string> }> };
    assert.equal(snippet.mcpServers['graph-bridge']?.env.NODE_EXTRA_CA_CERTS, '/etc/corp-ca.pem');
  } finally {
    await cleanup();
  }
});

void test('--print shows each editor its own shape and writes nothing', async () => {
  const { home, cleanup } = await tempHome();
  try {
    const c = cli(home);
    assert.equal(await runConnect(['--print', 'code'], c.deps), 0);
    const snippet = JSON.parse(c.out()) as { servers: Record<string, { type: string }> };
    assert.equal(snippet.servers['graph-bridge']?.type, 'stdio');
    await assert.rejects(readFile(join(home, '.config', 'Code', 'User', 'mcp.json')), { code: 'ENOENT' });
  } finally {
    await cleanup();
  }
});

void test('--print carries the editor credential already in its config (a paste keeps the editor recognised)', async () => {
  const { home, cleanup } = await tempHome();
  try {
    assert.equal(await runConnect(['zed'], cli(home).deps), 0);
    const doc = JSON.parse(await readFile(zedFile(home), 'utf8')) as {
      context_servers: Record<string, { env: Record<string, string> }>;
    };
    const key = doc.context_servers['graph-bridge']?.env.GRAPH_BRIDGE_EDITOR_KEY;
    const p = cli(home);
    assert.equal(await runConnect(['--print', 'zed'], p.deps), 0);
    const printed = JSON.parse(p.out()) as { context_servers: Record<string, { env: Record<string, string> }> };
    assert.equal(printed.context_servers['graph-bridge']?.env.GRAPH_BRIDGE_EDITOR_KEY, key);
    assert.match(p.err(), /holds the editor's credential/);
    assert.match(p.err(), /--home \S+ connect --list/);
  } finally {
    await cleanup();
  }
});

void test('--list shows every editor with installed/connected/config path', async () => {
  const { home, cleanup } = await tempHome();
  try {
    await mkdir(join(home, '.cursor'));
    const c = cli(home);
    assert.equal(await runConnect(['zed'], c.deps), 0);
    const l = cli(home);
    assert.equal(await runConnect(['--list', '--json'], l.deps), 0);
    const rows = JSON.parse(l.out()) as { editor: string; installed: boolean; state: string; configPath: string }[];
    assert.deepEqual(
      rows.map((r) => [r.editor, r.installed, r.state]),
      [
        ['claude-desktop', false, 'not-connected'],
        ['claude-code', false, 'not-connected'],
        ['cursor', true, 'not-connected'],
        ['vscode', false, 'not-connected'],
        ['windsurf', false, 'not-connected'],
        ['zed', true, 'connected'],
      ],
    );
    const t = cli(home);
    assert.equal(await runConnect(['--list'], t.deps), 0);
    assert.match(t.out(), /^EDITOR\s+INSTALLED\s+CONNECTED\s+CONFIG FILE$/m);
    assert.match(t.out(), /Zed \(zed\)\s+yes\s+yes\s+\S+settings\.json/);
  } finally {
    await cleanup();
  }
});

void test('--all-installed connects only the editors found', async () => {
  const { home, cleanup } = await tempHome();
  try {
    await mkdir(join(home, '.cursor'));
    await mkdir(join(home, '.codeium', 'windsurf'), { recursive: true });
    const c = cli(home);
    assert.equal(await runConnect(['--all-installed'], c.deps), 0);
    assert.match(c.out(), /Connected Cursor/);
    assert.match(c.out(), /Connected Windsurf/);
    assert.doesNotMatch(c.out(), /Zed|VS Code|Claude/);
  } finally {
    await cleanup();
  }
});

void test('an invalid config: exit 1, message with file/line/column on stderr', async () => {
  const { home, cleanup } = await tempHome();
  try {
    await mkdir(dirname(zedFile(home)), { recursive: true });
    await writeFile(zedFile(home), '{\n  "a": 1\n  "b": 2\n}');
    const c = cli(home);
    assert.equal(await runConnect(['zed'], c.deps), 1);
    assert.match(c.err(), /settings\.json is not valid JSON with comments: line 3, column 3/);
    assert.equal(c.out(), '');
  } finally {
    await cleanup();
  }
});

void test('usage errors exit 2; --help exits 0', async () => {
  const { home, cleanup } = await tempHome();
  try {
    for (const argv of [
      [],
      ['notepad'],
      ['zed', 'cursor'],
      ['zed', '--list'],
      ['zed', '--tools', 'mail,bogus'],
      ['--bogus'],
    ]) {
      const c = cli(home);
      assert.equal(await runConnect(argv, c.deps), 2, argv.join(' '));
      assert.match(c.err(), /^graph-bridge: .*\n\nUsage:/s);
    }
    const h = cli(home);
    assert.equal(await runConnect(['--help'], h.deps), 0);
    assert.match(h.out(), /graph-bridge connect <editor>/);
    const d = cli(home);
    assert.equal(await runDisconnect([], d.deps), 2);
  } finally {
    await cleanup();
  }
});

void test('disconnect removes only our entry', async () => {
  const { home, cleanup } = await tempHome();
  try {
    const original = '{\n  "mcpServers": {\n    "x": { "command": "a" }\n  }\n}\n';
    const file = join(home, '.cursor', 'mcp.json');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, original);
    assert.equal(await runConnect(['cursor'], cli(home).deps), 0);
    const d = cli(home);
    assert.equal(await runDisconnect(['cursor'], d.deps), 0);
    assert.match(d.out(), /Disconnected Cursor: removed "graph-bridge"/);
    assert.equal(await readFile(file, 'utf8'), original);
    const again = cli(home);
    assert.equal(await runDisconnect(['cursor'], again.deps), 0);
    assert.match(again.out(), /was not connected/);
  } finally {
    await cleanup();
  }
});

void test('the CLI run by the packaged app (ELECTRON_RUN_AS_NODE=1) writes an Electron launcher', () => {
  const l = hostLauncher({
    env: { ELECTRON_RUN_AS_NODE: '1' },
    execPath: '/opt/Graph Bridge/graph-bridge',
    bridgeEntry: '/opt/Graph Bridge/resources/bridge.js',
  });
  assert.deepEqual(l.env, { ELECTRON_RUN_AS_NODE: '1' });
  assert.deepEqual(l.launch, ['/opt/Graph Bridge/graph-bridge']);
});

void test('--all-installed: none found is exit 1 with what to do; one failing editor makes the exit 1, the others still connect', async () => {
  const { home, cleanup } = await tempHome();
  try {
    const none = cli(home);
    assert.equal(await runConnect(['--all-installed'], none.deps), 1);
    assert.match(none.err(), /no supported editor found \(.*zed.*\)\. Name one to connect it anyway\./);
    await mkdir(join(home, '.cursor'));
    await mkdir(dirname(zedFile(home)), { recursive: true });
    await writeFile(zedFile(home), '{\n  "a": 1\n  "b": 2\n}');
    const c = cli(home);
    assert.equal(await runConnect(['--all-installed'], c.deps), 1);
    assert.match(c.out(), /Connected Cursor/);
    assert.match(c.err(), /settings\.json is not valid JSON with comments/);
  } finally {
    await cleanup();
  }
});

void test('--print with an unknown editor is a usage error', async () => {
  const { home, cleanup } = await tempHome();
  try {
    const c = cli(home);
    assert.equal(await runConnect(['--print', 'notepad'], c.deps), 2);
    assert.match(c.err(), /^graph-bridge: unknown editor "notepad"\. Editors: .*\n\nUsage:/s);
    assert.equal(c.out(), '');
  } finally {
    await cleanup();
  }
});
