import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createAuditLog } from '../../../../app/broker/audit/audit-log.ts';
import type { AuditEntry } from '../../../../app/shared/audit-contract.ts';
import { withTempDir } from '../../../helpers/temp-dir.ts';

const entry = (i: number, client = 'cursor', tool = 'mail_list'): AuditEntry => ({
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  client,
  tool,
  method: 'GET',
  pathTemplate: '/me/messages',
  status: 200,
  durationMs: 12.4,
  requestId: `r${i}`,
});

void test('records JSONL (0600) and reads it back filtered by client and tool, newest N with limit', () =>
  withTempDir('gb-audit-', async (dir) => {
    const log = createAuditLog({ filePath: join(dir, 'audit.jsonl') });
    await Promise.all([entry(1), entry(2, 'zed'), entry(3, 'cursor', 'mail_send'), entry(4)].map((e) => log.record(e)));
    assert.equal((await stat(log.path())).mode & 0o777, 0o600);
    assert.deepEqual(
      (await log.query({ client: 'cursor' })).map((e) => e.requestId),
      ['r1', 'r3', 'r4'],
    );
    assert.deepEqual(
      (await log.query({ tool: 'mail_send' })).map((e) => e.requestId),
      ['r3'],
    );
    assert.deepEqual(
      (await log.query({ limit: 2 })).map((e) => e.requestId),
      ['r3', 'r4'],
    );
    assert.equal((await log.query())[0]?.durationMs, 12);
  }));

void test('rotates by size keeping at most N files, and queries across them in order', () =>
  withTempDir('gb-audit-', async (dir) => {
    const log = createAuditLog({ filePath: join(dir, 'audit.jsonl'), maxBytes: 600, files: 3 });
    for (let i = 0; i < 30; i++) await log.record(entry(i));
    const files = (await readdir(dir)).sort();
    assert.deepEqual(files, ['audit.jsonl', 'audit.jsonl.1', 'audit.jsonl.2']);
    for (const f of files) assert.ok((await stat(join(dir, f))).size <= 600, `${f} within the cap`);
    const ids = (await log.query()).map((e) => Number(e.requestId?.slice(1)));
    assert.ok(ids.length < 30, 'oldest entries rotated away');
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
    );
    assert.equal(ids.at(-1), 29);
  }));

void test('never writes a token: only the whitelisted fields, and the path template is redacted', () =>
  withTempDir('gb-audit-', async (dir) => {
    const log = createAuditLog({ filePath: join(dir, 'audit.jsonl') });
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    await log.record({ ...entry(1), pathTemplate: `/me?access_token=${jwt}`, ...({ body: 'secret body' } as object) });
    const text = await readFile(log.path(), 'utf8');
    assert.doesNotMatch(text, /eyJ/);
    assert.doesNotMatch(text, /secret body/);
  }));

void test('flush resolves only after every record accepted before it is on disk (the broker awaits it at stop)', () =>
  withTempDir('gb-audit-', async (dir) => {
    const log = createAuditLog({ filePath: join(dir, 'audit.jsonl') });
    // Not awaited, as the bridge protocol's audit.record is not: the broker's stop must not outrun them.
    const pending = Array.from({ length: 20 }, (_, i) => log.record(entry(i)));
    await log.flush();
    const lines = (await readFile(log.path(), 'utf8')).split('\n').filter(Boolean);
    assert.equal(lines.length, 20);
    await Promise.all(pending);
  }));
