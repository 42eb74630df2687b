/**
 * Permission failures with real OS enforcement. The tests run as root, which ignores mode bits, so:
 *  - a non-root user (`runuser -u nobody`) runs the connect in a child process;
 *  - `chattr +i` makes a file immutable even for root.
 * Each case must end in PERMISSION_DENIED with a clear message and the file byte-for-byte unchanged.
 *
 * The checkout may live where `nobody` cannot read it (cloned under `mktemp -d` or /root, both 0700),
 * so the child is never run from it: it is bundled with esbuild into ONE self-contained file in a
 * fresh world-readable temp dir, and `nobody` runs that file from there. When `nobody` still cannot run
 * it (no such user, no runuser, a node binary only root can execute) the three cases skip and say why.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { build } from 'esbuild';
import { connectEditor } from '../../app/clients/connections.ts';
import { editorLocation } from '../../app/platform/editor-paths.ts';
import { FIXTURES, listBackups, listLeftovers, tempHome, testContext } from '../unit/clients/helpers.ts';
import { systemTool } from '../helpers/system-tool.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CHILD = join(ROOT, 'test', 'fixtures', 'editors', 'connect-child.ts');
const isRoot = process.getuid?.() === 0;
const RUNUSER = systemTool('runuser');
const hasRunuser = RUNUSER !== null && spawnSync(RUNUSER, ['--help']).status === 0;
const nobodyId = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
const NOBODY = nobodyId.status === 0 ? Number(nobodyId.stdout.trim()) : null;

type Staged = { dir: string; file: string; skip: false } | { dir: string | null; skip: string };

/** Bundles the child into a 0755 temp dir and proves `nobody` can run it; else the reason to skip. */
async function stageChild(): Promise<Staged> {
  if (!isRoot || !hasRunuser) return { dir: null, skip: 'needs root and runuser to switch to the nobody user' };
  if (NOBODY === null) return { dir: null, skip: 'no "nobody" user on this machine to run the child as' };
  const dir = await mkdtemp(join(tmpdir(), 'gb-nobody-'));
  await chmod(dir, 0o755);
  const file = join(dir, 'connect-child.mjs');
  await build({
    entryPoints: [CHILD],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  });
  await chmod(file, 0o644);
  const probe = spawnSync(
    RUNUSER ?? 'runuser',
    ['-u', 'nobody', '--', process.execPath, '-e', `require('fs').accessSync(${JSON.stringify(file)}, 4)`],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  );
  if (probe.status !== 0) {
    const why = (probe.stderr || probe.error?.message || `exit ${probe.status}`).trim().split('\n')[0];
    return { dir, skip: `the nobody user cannot run ${process.execPath} on ${file} (${why})` };
  }
  return { dir, file, skip: false };
}

const staged = await stageChild();
const skip = staged.skip;
if (skip !== false) process.stdout.write(`# clients-permissions: skipping the nobody cases: ${skip}\n`);
after(async () => {
  if (staged.dir !== null) await rm(staged.dir, { recursive: true, force: true });
});

function asNobody(home: string, editor: string): { ok: boolean; code?: string; message?: string } {
  if (staged.skip !== false) throw new Error(`asNobody called although skipped: ${staged.skip}`);
  const r = spawnSync(RUNUSER ?? 'runuser', ['-u', 'nobody', '--', process.execPath, staged.file, home, editor], {
    cwd: staged.dir,
    encoding: 'utf8',
    env: { ...process.env, HOME: home },
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  assert.ok(line.startsWith('{'), `child printed no result: ${r.stdout}\n${r.stderr}`);
  return JSON.parse(line) as { ok: boolean; code?: string; message?: string };
}

async function nobodyHome(): Promise<{ home: string; cleanup: () => Promise<void> }> {
  const t = await tempHome();
  await chmod(t.home, 0o755);
  await chown(t.home, nobody(), nobody());
  return t;
}

function nobody(): number {
  assert.ok(NOBODY !== null);
  return NOBODY;
}

void test('non-root user, editor folder 0555: refused, file unchanged, nothing created', { skip }, async () => {
  const { home, cleanup } = await nobodyHome();
  try {
    const file = join(home, '.cursor', 'mcp.json');
    const original = await readFile(join(FIXTURES, 'cursor', 'typical-comments.json'), 'utf8');
    await mkdir(dirname(file));
    await writeFile(file, original);
    await chown(file, nobody(), nobody());
    await chown(dirname(file), nobody(), nobody());
    await chmod(dirname(file), 0o555);
    const before = await stat(file);
    const r = asNobody(home, 'cursor');
    assert.equal(r.ok, false);
    assert.equal(r.code, 'PERMISSION_DENIED');
    assert.match(r.message ?? '', /permission denied \(EACCES\)/);
    assert.ok(r.message?.includes(file));
    assert.equal(await readFile(file, 'utf8'), original);
    assert.equal((await stat(file)).mtimeMs, before.mtimeMs);
    assert.deepEqual(await listBackups(file), []);
    assert.deepEqual(await listLeftovers(dirname(file)), []);
  } finally {
    await chmod(join(home, '.cursor'), 0o755).catch(() => undefined);
    await cleanup();
  }
});

void test(
  'non-root user, file 0444 in a writable folder: refused (a rename would have bypassed it)',
  { skip },
  async () => {
    const { home, cleanup } = await nobodyHome();
    try {
      const file = join(home, '.config', 'zed', 'settings.json');
      const original = await readFile(join(FIXTURES, 'zed', 'settings.json'), 'utf8');
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, original);
      for (const p of [join(home, '.config'), dirname(file), file]) await chown(p, nobody(), nobody());
      await chmod(file, 0o444);
      const r = asNobody(home, 'zed');
      assert.equal(r.code, 'PERMISSION_DENIED');
      assert.match(r.message ?? '', /is read-only \(mode 0444\)/);
      assert.equal(await readFile(file, 'utf8'), original);
      assert.deepEqual(await listBackups(file), []);
    } finally {
      await cleanup();
    }
  },
);

void test("non-root user, someone else's 0644 file in the user's folder: refused", { skip }, async () => {
  const { home, cleanup } = await nobodyHome();
  try {
    const file = join(home, '.codeium', 'windsurf', 'mcp_config.json');
    const original = await readFile(join(FIXTURES, 'windsurf', 'typical.json'), 'utf8');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, original); // owned by root, mode 0644
    for (const p of [join(home, '.codeium'), dirname(file)]) await chown(p, nobody(), nobody());
    const r = asNobody(home, 'windsurf');
    assert.equal(r.code, 'PERMISSION_DENIED');
    assert.equal(await readFile(file, 'utf8'), original);
    assert.equal((await stat(file)).uid, 0, 'still root-owned: not replaced by a rename');
  } finally {
    await cleanup();
  }
});

void test('immutable file (chattr +i), even as root: refused, file unchanged, no backup left', async (t) => {
  const { home, cleanup } = await tempHome();
  const ctx = testContext(home);
  const file = editorLocation('vscode', ctx.paths).configPath;
  try {
    const original = await readFile(join(FIXTURES, 'vscode', 'typical.json'), 'utf8');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, original);
    if (spawnSync('chattr', ['+i', file]).status !== 0) {
      t.skip('chattr +i is not supported here (needs root and an ext4/xfs/btrfs file system)');
      return;
    }
    const r = await connectEditor(ctx, 'vscode', {});
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'PERMISSION_DENIED');
    assert.match(r.error.message, /not writable for you \(EPERM; mode 0644\).*immutable/s);
    assert.equal(await readFile(file, 'utf8'), original);
    assert.deepEqual(await listBackups(file), []);
    assert.deepEqual(await listLeftovers(dirname(file)), []);
  } finally {
    spawnSync('chattr', ['-i', file]);
    await cleanup();
  }
});
