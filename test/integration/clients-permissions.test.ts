/**
 * Permission failures with real OS enforcement. The tests run as root, which ignores mode bits, so:
 *  - a non-root user (`runuser -u nobody`) runs the connect in a child process;
 *  - `chattr +i` makes a file immutable even for root.
 * Each case must end in PERMISSION_DENIED with a clear message and the file byte-for-byte unchanged.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, chown, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { connectEditor } from '../../app/clients/connections.ts';
import { editorLocation } from '../../app/platform/editor-paths.ts';
import { FIXTURES, listBackups, listLeftovers, tempHome, testContext } from '../unit/clients/helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CHILD = join(ROOT, 'test', 'fixtures', 'editors', 'connect-child.ts');
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
const hasRunuser = spawnSync('runuser', ['--help']).status === 0;

function asNobody(home: string, editor: string): { ok: boolean; code?: string; message?: string } {
  const r = spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, '--import', 'tsx', CHILD, home, editor], {
    cwd: ROOT,
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
  await chown(t.home, NOBODY, NOBODY);
  return t;
}

const skip = !isRoot || !hasRunuser ? 'needs root and runuser to switch to the nobody user' : false;

void test('non-root user, editor folder 0555: refused, file unchanged, nothing created', { skip }, async () => {
  const { home, cleanup } = await nobodyHome();
  try {
    const file = join(home, '.cursor', 'mcp.json');
    const original = await readFile(join(FIXTURES, 'cursor', 'typical-comments.json'), 'utf8');
    await mkdir(dirname(file));
    await writeFile(file, original);
    await chown(file, NOBODY, NOBODY);
    await chown(dirname(file), NOBODY, NOBODY);
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
      for (const p of [join(home, '.config'), dirname(file), file]) await chown(p, NOBODY, NOBODY);
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
    for (const p of [join(home, '.codeium'), dirname(file)]) await chown(p, NOBODY, NOBODY);
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
