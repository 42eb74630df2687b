import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createSecretRegistry } from '../../../../app/broker/log/logger.ts';
import { HOSTILE_TEXT, RAW_UNSAFE } from '../../../helpers/hostile-text.ts';

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

void test('peer-controlled text in a message or a field never starts a line or reaches the terminal raw', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gb-log-'));
  try {
    const seen: string[] = [];
    const log = createLogger({ logDir: dir, stderr: { write: (t: string) => seen.push(t) }, level: 'info' });
    for (const name of Object.values(HOSTILE_TEXT)) {
      log.info(`Bridge connected: "${name}" ${name} pid 1`, { client: name, error: new Error(name) });
    }
    const file = await readFile(join(dir, 'broker.log'), 'utf8');
    for (const text of [file, seen.join('')]) {
      const lines = text.trimEnd().split('\n');
      assert.equal(lines.length, Object.keys(HOSTILE_TEXT).length, 'one entry, one line');
      for (const line of lines) {
        assert.match(line, /^\S+ INFO \[\d+\] Bridge connected: "/);
        assert.doesNotMatch(line, RAW_UNSAFE);
        assert.doesNotMatch(line, /[\r\t]/);
      }
    }
    assert.match(file, /"evil\\x0a2026-01-01T00:00:00\.000Z INFO/);
    assert.match(file, /evil\\x1b\[2J/);
    assert.match(file, /evil\\u202eia-edualc/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the log file rotates by size like the audit log: <name>.1, <name>.2, nothing older, each line whole', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gb-log-rotate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const logger = createLogger({
    logDir: dir,
    fileName: 'agent.log',
    stderr: null,
    maxBytes: 1000,
    files: 3,
    now: () => new Date('2026-01-01T00:00:00Z'),
    pid: 1,
  });
  for (let i = 0; i < 100; i++) logger.info(`line ${i} ${'x'.repeat(40)}`);
  assert.deepEqual(readdirSync(dir).sort(), ['agent.log', 'agent.log.1', 'agent.log.2']);
  const sizes = ['agent.log', 'agent.log.1', 'agent.log.2'].map((f) => readFileSync(join(dir, f), 'utf8'));
  for (const text of sizes) {
    assert.ok(Buffer.byteLength(text) <= 1000, 'no file passes the limit');
    for (const line of text.trimEnd().split('\n'))
      assert.match(line, /^2026-01-01T00:00:00\.000Z INFO \[1\] line \d+ x{40}$/);
  }
  assert.match(sizes[0] ?? '', /line 99 /, 'the newest line is in the current file');
  assert.doesNotMatch(sizes.join(''), /line 0 /, 'the oldest lines are gone');
});
