/**
 * The engine's V8 code cache (bridge/fast-start/code-cache.ts, embedded.ts): where it lives, and that
 * only an intact cache made for this very bundle and runtime, in the user's own private directory,
 * ever reaches V8 — because V8 itself checks little (see the first test).
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { Script } from 'node:vm';
import {
  cacheDir,
  codeCacheFile,
  readCodeCache,
  writeCodeCache,
  type CodeCacheFile,
  type CodeCacheKey,
} from '../../../../bridge/fast-start/code-cache.ts';
import { evaluateCommonJs } from '../../../../bridge/fast-start/embedded.ts';

const UID = process.getuid?.();
const KEY: CodeCacheKey = { bundle: 'a'.repeat(64), node: 'v20.0.0', v8: '11.3', arch: 'x64' };
let home: string;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'gb-cc-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

function file(key: CodeCacheKey = KEY, uid = UID): CodeCacheFile {
  const f = codeCacheFile({
    platform: 'linux',
    env: { GRAPH_BRIDGE_HOME: home },
    homedir: home,
    uid,
    key,
    name: 'engine',
  });
  assert.ok(f);
  return f;
}

const reason = (outcome: ReturnType<typeof readCodeCache>): string => (outcome.ok ? 'ok' : outcome.reason);

test('V8 runs a cache made for another source of the same length: the file must name the exact bundle', () => {
  const a = new Script('(function(){ return "AAAA"; })', { filename: 'x.js' });
  (a.runInThisContext() as () => string)();
  const b = new Script('(function(){ return "BBBB"; })', { filename: 'x.js', cachedData: a.createCachedData() });
  assert.equal(b.cachedDataRejected, false);
  assert.equal((b.runInThisContext() as () => string)(), 'AAAA', "V8 ran A's code for B");
  // So a cache is keyed by the bundle's SHA-256: one made for another bundle is never read.
  assert.ok(writeCodeCache(file(), Buffer.from('cache of bundle a')) === null);
  assert.equal(reason(readCodeCache(file({ ...KEY, bundle: 'b'.repeat(64) }))), 'no cache yet');
});

test('the per-user cache dir on each OS, GRAPH_BRIDGE_HOME first, GRAPH_BRIDGE_CODE_CACHE=0 turns it off', () => {
  assert.equal(cacheDir({ platform: 'linux', env: {}, homedir: '/home/ada' }), '/home/ada/.cache/graph-bridge');
  assert.equal(
    cacheDir({ platform: 'linux', env: { XDG_CACHE_HOME: '/xdg' }, homedir: '/home/ada' }),
    '/xdg/graph-bridge',
  );
  assert.equal(
    cacheDir({ platform: 'darwin', env: {}, homedir: '/Users/ada' }),
    '/Users/ada/Library/Caches/Graph Bridge',
  );
  assert.equal(
    cacheDir({ platform: 'win32', env: { LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, homedir: 'C:\\Users\\ada' }),
    'C:\\Users\\ada\\AppData\\Local\\Graph Bridge\\Cache',
  );
  assert.equal(cacheDir({ platform: 'linux', env: { GRAPH_BRIDGE_HOME: '/p' }, homedir: '/home/ada' }), '/p/cache');
  for (const off of ['0', 'off', 'false', 'NO'])
    assert.equal(cacheDir({ platform: 'linux', env: { GRAPH_BRIDGE_CODE_CACHE: off }, homedir: '/h' }), undefined);
});

test('written atomically as 0600 in a 0700 dir, read back whole', async () => {
  const data = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
  assert.equal(writeCodeCache(file(), data), null);
  const f = file();
  assert.match(f.path, /\/cache\/engine-a{16}\.v8cache$/);
  assert.equal((await stat(f.path)).mode & 0o777, 0o600);
  assert.equal((await stat(f.dir)).mode & 0o777, 0o700);
  const back = readCodeCache(f);
  assert.ok(back.ok);
  assert.ok(back.data.equals(data));
  assert.equal(writeCodeCache(f, Buffer.from('newer')), null, 'replaced in place');
  const again = readCodeCache(f);
  assert.ok(again.ok && again.data.toString() === 'newer');
});

test('never read: another Node, V8 or architecture; a flipped byte; a cut file; no header', async () => {
  assert.equal(writeCodeCache(file(), Buffer.alloc(4096, 7)), null);
  for (const other of [{ node: 'v22.0.0' }, { v8: '12.4' }, { arch: 'arm64' }])
    assert.match(reason(readCodeCache(file({ ...KEY, ...other }))), /another build or runtime/, JSON.stringify(other));
  const f = file();
  const bytes = await readFile(f.path);
  const flipped = Buffer.from(bytes);
  flipped.writeUInt8(flipped.readUInt8(flipped.length - 1) ^ 1, flipped.length - 1);
  await writeFile(f.path, flipped);
  assert.match(reason(readCodeCache(f)), /damaged/);
  await writeFile(f.path, bytes.subarray(0, bytes.length - 10));
  assert.match(reason(readCodeCache(f)), /damaged/);
  await writeFile(f.path, Buffer.alloc(100, 1));
  assert.equal(reason(readCodeCache(f)), 'no header');
});

test('never read from a place others could have written: a link, another owner, a group/other-accessible file or dir', async () => {
  const f = file();
  assert.equal(writeCodeCache(f, Buffer.from('x')), null);
  assert.match(reason(readCodeCache(file(KEY, (UID ?? 0) + 1))), /is owned by uid \d+, not by you/);
  await chmod(f.path, 0o620);
  assert.match(reason(readCodeCache(f)), /group and others must have no access/);
  await chmod(f.path, 0o600);
  await chmod(f.dir, 0o777);
  assert.match(reason(readCodeCache(f)), /group and others must have no access/);
  await chmod(f.dir, 0o700);
  const elsewhere = join(home, 'planted');
  await writeFile(elsewhere, await readFile(f.path), { mode: 0o600 });
  await rm(f.path);
  await symlink(elsewhere, f.path);
  assert.equal(reason(readCodeCache(f)), 'no cache yet', 'a symlink is not opened');
});

test('writing makes its own dir private again, and refuses a dir that is not the user’s', async () => {
  const f = file();
  await mkdir(f.dir, { recursive: true, mode: 0o755 });
  await chmod(f.dir, 0o755);
  assert.equal(writeCodeCache(f, Buffer.from('x')), null);
  assert.equal((await stat(f.dir)).mode & 0o777, 0o700);
  assert.match(writeCodeCache(file(KEY, (UID ?? 0) + 1), Buffer.from('x')) ?? '', /is owned by uid \d+, not by you/);
});

test('a bundle compiled with its own cache: V8 accepts it and the bundle runs the same', () => {
  const source = 'module.exports = { twice: (x) => x * 2, name: __filename };';
  const options = { filename: '/x/bundle.js', dirname: '/x', require: createRequire(import.meta.url) };
  const first = evaluateCommonJs<{ twice(x: number): number; name: string }>(source, options);
  assert.equal(first.cache, 'none');
  assert.equal(first.exports.twice(21), 42);
  const second = evaluateCommonJs<{ twice(x: number): number; name: string }>(source, {
    ...options,
    cachedData: first.createCachedData(),
  });
  assert.equal(second.cache, 'accepted');
  assert.equal(second.exports.twice(4), 8);
  assert.equal(second.exports.name, '/x/bundle.js');
  // (A source V8 has not compiled in this process yet, else its in-memory cache answers first.)
  const junk = evaluateCommonJs<unknown>(`${source} // ${Math.random()}`, {
    ...options,
    cachedData: Buffer.from('not a code cache'),
  });
  assert.equal(junk.cache, 'rejected');
});
