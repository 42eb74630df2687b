import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cliArgv, cliCommand, cliInvocation, shellQuote } from '../../../app/cli/invocation.ts';
import { extractHome } from '../../../app/cli/profile.ts';

const deps = (env: Record<string, string>, os: 'linux' | 'win32' = 'linux') => ({
  env,
  execPath: '/usr/bin/node',
  bridgeEntry: '/opt/gb/dist/bridge.js',
  platform: { os },
});
/** A fake file system: which paths exist and what they resolve to. */
const links =
  (map: Record<string, string>) =>
  (path: string): string | null =>
    map[path] ?? null;

void test('graph-bridge on PATH is used only when it is this very cli.js; otherwise absolute node + cli.js', () => {
  const ours = { '/opt/gb/dist/cli.js': '/opt/gb/dist/cli.js' };
  assert.deepEqual(cliArgv(deps({ PATH: '/usr/local/bin:/usr/bin' }), links(ours)), [
    '/usr/bin/node',
    '/opt/gb/dist/cli.js',
  ]);
  const linked = { ...ours, '/usr/local/bin/graph-bridge': '/opt/gb/dist/cli.js' };
  assert.deepEqual(cliArgv(deps({ PATH: '/usr/local/bin:/usr/bin' }), links(linked)), ['graph-bridge']);
  const other = { ...ours, '/usr/local/bin/graph-bridge': '/elsewhere/dist/cli.js' };
  assert.deepEqual(
    cliArgv(deps({ PATH: '/usr/local/bin' }), links(other)),
    ['/usr/bin/node', '/opt/gb/dist/cli.js'],
    'another install of graph-bridge is not this one',
  );
});

void test('a non-default profile is named with --home; paths with spaces or quotes are quoted for the shell', () => {
  const realpath = links({});
  assert.equal(cliInvocation(deps({}), realpath), '/usr/bin/node /opt/gb/dist/cli.js');
  assert.equal(
    cliInvocation(deps({ GRAPH_BRIDGE_HOME: "/home/ada/my demo's" }), realpath),
    `/usr/bin/node /opt/gb/dist/cli.js --home '/home/ada/my demo'\\''s'`,
  );
  assert.equal(shellQuote('C:\\Program Files\\node.exe', 'win32'), '"C:\\Program Files\\node.exe"');
  assert.equal(shellQuote('$(rm -rf ~)', 'linux'), "'$(rm -rf ~)'");
  assert.match(cliCommand(deps({ GRAPH_BRIDGE_HOME: '/h' })), /--home \/h$/);
  assert.match(
    cliCommand(deps({ GRAPH_BRIDGE_HOME: '/h' }), 'clients', 'approve', 'session-1'),
    / --home \/h clients approve session-1$/,
  );
});

void test('--home is taken from anywhere before --, in both spellings, and only once', () => {
  assert.deepEqual(extractHome(['--home', '/h', 'status', '--json']), {
    ok: true,
    argv: ['status', '--json'],
    home: '/h',
  });
  assert.deepEqual(extractHome(['status', '--home=/h']), { ok: true, argv: ['status'], home: '/h' });
  assert.deepEqual(extractHome(['audit', '--', '--home', 'x']), {
    ok: true,
    argv: ['audit', '--', '--home', 'x'],
    home: undefined,
  });
  assert.equal(extractHome(['--home']).ok, false);
  assert.equal(extractHome(['--home', '--json']).ok, false);
  assert.equal(extractHome(['--home', '/a', '--home', '/b']).ok, false);
});
