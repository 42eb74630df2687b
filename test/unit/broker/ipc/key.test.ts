import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, keysMatch, writeKeyFile } from '../../../../app/broker/ipc/key.ts';

void test('keys are 256-bit hex and differ per call', () => {
  const a = generateKey();
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.notEqual(a, generateKey());
});

void test('keysMatch accepts only the identical key, including different lengths', () => {
  const k = generateKey();
  assert.equal(keysMatch(k, k), true);
  assert.equal(
    keysMatch(
      k.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
      k,
    ),
    false,
  );
  assert.equal(keysMatch(k.slice(0, 63), k), false);
  assert.equal(keysMatch('', k), false);
});

void test('the key file is written atomically with mode 0600 and no temp file left behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gb-key-'));
  try {
    const path = join(dir, 'broker.key');
    await writeKeyFile(path, 'a'.repeat(64));
    await writeKeyFile(path, 'b'.repeat(64));
    assert.equal((await readFile(path, 'utf8')).trim(), 'b'.repeat(64));
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(dir), ['broker.key']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
