/**
 * The shared-cache stamp the token memo compares (app/broker/auth/cache-stamp.ts): any write — counted
 * here, or seen on the marker file msal-node-extensions touches — changes it; a marker too fresh to tell
 * gives none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BigIntStats } from 'node:fs';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import { countCacheWrites, createCacheStamp } from '../../../../app/broker/auth/cache-stamp.ts';

const NOW = Date.parse('2026-01-01T12:00:00Z');

function stats(fields: { mtimeMs: number; ino?: number; size?: number; ctimeMs?: number; subMs?: number }) {
  const ns = (ms: number) => BigInt(ms) * 1_000_000n + BigInt(fields.subMs ?? 0);
  return {
    dev: 1n,
    ino: BigInt(fields.ino ?? 7),
    size: BigInt(fields.size ?? 2),
    mtimeNs: ns(fields.mtimeMs),
    ctimeNs: ns(fields.ctimeMs ?? fields.mtimeMs),
  } as BigIntStats;
}

void test('the marker: every field that a write changes changes the stamp', async () => {
  let s = stats({ mtimeMs: NOW - 60_000, subMs: 123_456 });
  const stamp = createCacheStamp({ markerPath: '/m', writes: () => 0, now: () => NOW, stat: () => s });
  const first = await stamp();
  assert.ok(first !== null);
  assert.equal(await stamp(), first, 'stable while nothing writes');
  const variants = [
    stats({ mtimeMs: NOW - 59_000, subMs: 123_456 }),
    stats({ mtimeMs: NOW - 60_000, subMs: 123_457 }),
    stats({ mtimeMs: NOW - 60_000, subMs: 123_456, ino: 8 }),
    stats({ mtimeMs: NOW - 60_000, subMs: 123_456, size: 3 }),
    stats({ mtimeMs: NOW - 60_000, subMs: 123_456, ctimeMs: NOW - 30_000 }),
  ];
  for (const v of variants) {
    s = v;
    assert.notEqual(await stamp(), first);
  }
});

void test('in-process writes change the stamp (memory backend: they are the only writer)', async () => {
  let writes = 0;
  const memory = createCacheStamp({ markerPath: null, writes: () => writes, now: () => NOW });
  const onDisk = createCacheStamp({
    markerPath: '/m',
    writes: () => writes,
    now: () => NOW,
    stat: () => stats({ mtimeMs: NOW - 60_000, subMs: 5 }),
  });
  const [m0, d0] = [await memory(), await onDisk()];
  writes++;
  assert.notEqual(await memory(), m0);
  assert.notEqual(await onDisk(), d0);
});

void test('a marker too fresh to tell (one clock tick; 2 s on whole-second file systems) or unreadable: no stamp', async () => {
  let s = stats({ mtimeMs: NOW - 50, subMs: 1 });
  let fail = false;
  const stamp = createCacheStamp({
    markerPath: '/m',
    writes: () => 0,
    now: () => NOW,
    stat: () => {
      if (fail) throw new Error('ENOENT');
      return s;
    },
  });
  assert.equal(await stamp(), null, 'written 50 ms ago');
  s = stats({ mtimeMs: NOW - 150, subMs: 1 });
  assert.notEqual(await stamp(), null, '150 ms ago, fine-grained times');
  s = stats({ mtimeMs: NOW - 1000 });
  assert.equal(await stamp(), null, 'whole-second times, 1 s ago: a second write could share it');
  s = stats({ mtimeMs: NOW - 3000 });
  assert.notEqual(await stamp(), null);
  s = stats({ mtimeMs: NOW + 60_000, subMs: 1 });
  assert.equal(await stamp(), null, 'a time in the future (clock skew) cannot be trusted either');
  fail = true;
  assert.equal(await stamp(), null);
});

void test('a real marker file: rewriting it changes the stamp (default stat)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gb-stamp-'));
  try {
    const marker = join(dir, 'msal-cache.json');
    await writeFile(marker, '{}');
    const past = new Date(Date.now() - 60_000);
    await utimes(marker, past, past);
    const stamp = createCacheStamp({ markerPath: marker, writes: () => 0, now: Date.now });
    const first = await stamp();
    assert.ok(first !== null);
    const later = new Date(Date.now() - 30_000);
    await utimes(marker, later, later); // what another process's write does to it
    assert.notEqual(await stamp(), first);
    await rm(marker);
    assert.equal(await stamp(), null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('countCacheWrites counts the accesses that write, and passes every access through', async () => {
  const seen: string[] = [];
  const inner: ICachePlugin = {
    beforeCacheAccess: () => (seen.push('before'), Promise.resolve()),
    afterCacheAccess: (c) => (seen.push(`after:${String(c.cacheHasChanged)}`), Promise.resolve()),
  };
  const counted = countCacheWrites(inner);
  const read = { cacheHasChanged: false } as TokenCacheContext;
  const write = { cacheHasChanged: true } as TokenCacheContext;
  await counted.plugin.beforeCacheAccess(read);
  await counted.plugin.afterCacheAccess(read);
  assert.equal(counted.writes(), 0);
  await counted.plugin.beforeCacheAccess(write);
  await counted.plugin.afterCacheAccess(write);
  assert.equal(counted.writes(), 1);
  assert.deepEqual(seen, ['before', 'after:false', 'before', 'after:true']);
});
