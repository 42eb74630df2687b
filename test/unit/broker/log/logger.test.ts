import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createSecretRegistry } from '../../../../app/broker/log/logger.ts';

void test('every line is redacted (JWTs, secret fields, known secrets) in the file and on stderr', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gb-log-'));
  try {
    const secrets = createSecretRegistry();
    secrets.add('opaque-refresh-token-value');
    const seen: string[] = [];
    const log = createLogger({ logDir: dir, secrets, stderr: { write: (t: string) => seen.push(t) }, level: 'info' });
    log.debug('dropped below the level');
    log.info('token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln and opaque-refresh-token-value', {
      refresh_token: 'abcdefgh12',
    });
    const file = await readFile(join(dir, 'broker.log'), 'utf8');
    assert.equal((await stat(join(dir, 'broker.log'))).mode & 0o777, 0o600);
    for (const text of [file, seen.join('')]) {
      assert.doesNotMatch(text, /eyJhbGci/);
      assert.doesNotMatch(text, /opaque-refresh-token-value/);
      assert.doesNotMatch(text, /abcdefgh12/);
      assert.doesNotMatch(text, /dropped/);
      assert.match(text, /INFO \[\d+\] token \[REDACTED/);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('the secret registry is bounded and ignores short strings', () => {
  const r = createSecretRegistry(2);
  r.add('short');
  r.add('aaaaaaaa1');
  r.add('aaaaaaaa2');
  r.add('aaaaaaaa3');
  assert.deepEqual([...r.values()], ['aaaaaaaa2', 'aaaaaaaa3']);
});
