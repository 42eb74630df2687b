import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPrivate, ensurePrivateDir, privacyProblem, type PathFacts } from '../../../app/shared/private-dir.ts';

const dir = (uid: number, mode: number): PathFacts => ({ uid, mode, isDirectory: () => true, isFile: () => false });
const file = (uid: number, mode: number): PathFacts => ({ uid, mode, isDirectory: () => false, isFile: () => true });
const link: PathFacts = { uid: 5, mode: 0o120777, isDirectory: () => false, isFile: () => false };

void test('accepts a 0700 dir / 0600 file of the user; refuses other owners, group/other bits, links, the wrong kind', () => {
  assert.equal(privacyProblem('/d', dir(5, 0o40700), 'directory', 5), null);
  assert.equal(privacyProblem('/k', file(5, 0o100600), 'file', 5), null);
  assert.match(privacyProblem('/d', dir(6, 0o40700), 'directory', 5) ?? '', /owned by uid 6, not by you \(uid 5\)/);
  assert.match(privacyProblem('/d', dir(5, 0o40750), 'directory', 5) ?? '', /permissions 750/);
  assert.notEqual(privacyProblem('/d', dir(5, 0o40701), 'directory', 5), null);
  assert.match(privacyProblem('/d', link, 'directory', 5) ?? '', /not a directory \(or is a symbolic link\)/);
  assert.match(privacyProblem('/k', dir(5, 0o40700), 'file', 5) ?? '', /not a file/);
  assert.notEqual(privacyProblem('/k', file(5, 0o100640), 'file', 5), null);
});

void test('checkPrivate: missing is told apart; no uid (Windows) checks nothing', async () => {
  const enoent = () => Promise.reject(Object.assign(new Error('gone'), { code: 'ENOENT' }));
  assert.deepEqual(await checkPrivate('/d', 'directory', { uid: 5, lstat: enoent }), {
    ok: false,
    missing: true,
    problem: '/d does not exist',
  });
  assert.deepEqual(await checkPrivate('/d', 'directory', { uid: undefined, lstat: enoent }), { ok: true });
  const eacces = () => Promise.reject(Object.assign(new Error('denied'), { code: 'EACCES' }));
  await assert.rejects(checkPrivate('/d', 'directory', { uid: 5, lstat: eacces }), /denied/);
});

void test('ensurePrivateDir creates a missing dir (and parents) 0700, then refuses it once opened up', async (t) => {
  const uid = process.getuid?.();
  if (uid === undefined) return t.skip('POSIX only');
  const base = await mkdtemp(join(tmpdir(), 'gb-priv-'));
  try {
    const run = join(base, 'home', 'run');
    assert.equal((await ensurePrivateDir(run, { uid })).ok, true);
    assert.equal((await stat(run)).mode & 0o777, 0o700);
    await chmod(run, 0o755);
    const r = await ensurePrivateDir(run, { uid });
    assert.ok(!r.ok && !r.missing && /permissions 755/.test(r.problem));
    assert.equal((await stat(run)).mode & 0o777, 0o755, 'the broker never changes a mode behind the user');
    // repairMode (the bridge's temp dirs): a dir of the user's that is merely too open is made private.
    assert.deepEqual(await ensurePrivateDir(run, { uid, repairMode: true }), { ok: true });
    assert.equal((await stat(run)).mode & 0o777, 0o700);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});

void test('a symbolic link where the dir should be is refused, repairMode or not, and nothing is created through it', async (t) => {
  const uid = process.getuid?.();
  if (uid === undefined) return t.skip('POSIX only');
  const base = await mkdtemp(join(tmpdir(), 'gb-priv-'));
  try {
    const target = join(base, 'elsewhere');
    await mkdir(target, { mode: 0o700 });
    const squatted = join(base, 'graph-bridge-1000');
    await symlink(target, squatted);
    for (const repairMode of [false, true]) {
      const r = await ensurePrivateDir(squatted, { uid, repairMode });
      assert.ok(!r.ok && /symbolic link/.test(r.problem), `repairMode ${repairMode}`);
    }
    const dangling = join(base, 'dangling');
    await symlink(join(base, 'nowhere'), dangling);
    assert.equal((await ensurePrivateDir(dangling, { uid })).ok, false);
    const plain = join(base, 'plain');
    await writeFile(plain, 'x');
    assert.equal((await ensurePrivateDir(plain, { uid, repairMode: true })).ok, false);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
