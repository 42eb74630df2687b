/**
 * A packaging attempt run offline once deleted `node_modules/keytar/build`, after which every CLI
 * command — even `--version` — crashed with "Cannot find module '../build/Release/keytar.node'".
 * Reproduced with the real CLI bundle (build/build.mjs --only=cli into a temp tree) next to a copy of
 * the native externals whose keytar has no build/: `--version` and `--help` work, `status` reports
 * memory mode with the reason on one line, and a one-shot command prints that reason once. Then the
 * build is put back and the same tree uses the OS keychain again (proof the tree is otherwise whole).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MODULES = join(ROOT, 'node_modules');
let tree: string;
let home: string;

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(tree, 'dist', 'cli.js'), ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GRAPH_BRIDGE_HOME: home,
      GRAPH_BRIDGE_KEYCHAIN_SERVICE: `graph-bridge-test-${randomUUID()}`,
    },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

before(async () => {
  tree = await mkdtemp(join(tmpdir(), 'gb-nokeytar-'));
  home = join(tree, 'home');
  const build = spawnSync(
    process.execPath,
    [join(ROOT, 'build/build.mjs'), '--only=cli', `--outdir=${join(tree, 'dist')}`],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(build.status, 0, build.stderr);
  await mkdir(join(tree, 'node_modules', '@azure'), { recursive: true });
  // Copies, not symlinks: node resolves a symlinked package from its real path, i.e. the real keytar.
  await cp(join(MODULES, '@azure/msal-node-extensions'), join(tree, 'node_modules/@azure/msal-node-extensions'), {
    recursive: true,
  });
  await symlink(join(MODULES, '@azure/msal-node-runtime'), join(tree, 'node_modules/@azure/msal-node-runtime'));
  await cp(join(MODULES, 'keytar'), join(tree, 'node_modules/keytar'), {
    recursive: true,
    filter: (src) => !src.startsWith(join(MODULES, 'keytar', 'build')),
  });
});

after(async () => {
  await rm(tree, { recursive: true, force: true });
});

void test('keytar/build missing: --version and --help work; status says memory mode and why, on one line', async () => {
  const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.deepEqual(cli('--version'), { code: 0, out: `${version}\n`, err: '' });
  const help = cli('--help');
  assert.equal(help.code, 0, help.err);
  assert.match(help.out, /^Usage: graph-bridge/);

  const status = cli('status');
  assert.equal(status.code, 0, status.err);
  assert.equal(status.err, '', 'status shows the cache itself: no second notice');
  const line = status.out.split('\n').filter((l) => l.startsWith('Token cache:'));
  assert.equal(line.length, 1);
  assert.match(
    line[0] ?? '',
    /^Token cache: +memory — The OS keychain module could not be loaded \(Cannot find module '\.\.\/build\/Release\/keytar\.node'\): sign-ins are kept in memory for this session only\. Fix: reinstall Graph Bridge \(in a checkout: npm rebuild keytar\)\./,
  );
  assert.doesNotMatch(status.out, /Require stack/);

  const list = cli('clients', 'list');
  assert.equal(list.code, 0, list.err);
  assert.match(list.err, /^graph-bridge: The OS keychain module could not be loaded \(Cannot find module [^\n]*\n$/);
});

void test('the same tree with keytar/build back uses the OS keychain', async () => {
  await cp(join(MODULES, 'keytar', 'build'), join(tree, 'node_modules/keytar/build'), { recursive: true });
  const status = cli('status', '--json');
  assert.equal(status.code, 0, status.err);
  const json = JSON.parse(status.out) as { status: { cache: { backend: string; detail: string } } };
  assert.equal(json.status.cache.backend, 'keychain', json.status.cache.detail);
});
