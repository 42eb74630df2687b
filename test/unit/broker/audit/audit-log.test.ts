import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createAuditLog } from '../../../../app/broker/audit/audit-log.ts';
import { auditEntrySchema, type AuditEntry } from '../../../../app/shared/audit-contract.ts';
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

/** An entry whose line (JSON + newline) is exactly `bytes` long, padded in its path (é is 2 bytes). */
function entryOfSize(i: number, bytes: number): AuditEntry {
  const base = { ...entry(i), durationMs: 12, requestId: `r${i}` };
  const pad = bytes - Buffer.byteLength(`${JSON.stringify(base)}\n`);
  assert.ok(pad >= 0 && pad / 2 < 480, `an entry of ${bytes} bytes can be built`);
  const e = { ...base, pathTemplate: `${base.pathTemplate}${'é'.repeat(Math.floor(pad / 2))}${'x'.repeat(pad % 2)}` };
  assert.equal(Buffer.byteLength(`${JSON.stringify(e)}\n`), bytes);
  return e;
}

const sizes = async (dir: string): Promise<Record<string, number>> => {
  const out: Record<string, number> = {};
  for (const f of (await readdir(dir)).sort()) out[f] = (await stat(join(dir, f))).size;
  return out;
};

void test('files: 1 keeps ONE bounded file: records filling it exactly stay, the next one empties it first', () =>
  withTempDir('gb-audit-', async (dir) => {
    const log = createAuditLog({ filePath: join(dir, 'audit.jsonl'), maxBytes: 1024, files: 1 });
    for (let i = 0; i < 4; i++) await log.record(entryOfSize(i, 256));
    assert.deepEqual(await sizes(dir), { 'audit.jsonl': 1024 }, 'exactly at the bound: nothing rotated yet');
    await log.record(entryOfSize(4, 200));
    assert.deepEqual(await sizes(dir), { 'audit.jsonl': 200 }, 'one byte more would pass it: the file starts over');
    assert.deepEqual(
      (await log.query()).map((e) => e.requestId),
      ['r4'],
    );
    for (let i = 5; i < 200; i++) {
      await log.record(entryOfSize(i, 180 + (i % 7) * 40));
      const now = await sizes(dir);
      assert.deepEqual(Object.keys(now), ['audit.jsonl']);
      assert.ok((now['audit.jsonl'] ?? 0) <= 1024, `after record ${i}: ${now['audit.jsonl']} bytes`);
    }
    assert.equal((await log.query()).at(-1)?.requestId, 'r199', 'the newest record is kept');
  }));

void test('a file left too big (by an older version) is bounded again at the next record', () =>
  withTempDir('gb-audit-', async (dir) => {
    const path = join(dir, 'audit.jsonl');
    await writeFile(path, `${JSON.stringify(entry(0))}\n`.repeat(100));
    const log = createAuditLog({ filePath: path, maxBytes: 1024, files: 1 });
    await log.record(entry(1));
    assert.ok((await stat(path)).size <= 1024);
  }));

void test('every files value keeps every file within the bound, at the boundary and past it', () =>
  withTempDir('gb-audit-', async (root) => {
    for (const files of [1, 2, 3, 5]) {
      const dir = join(root, `files-${files}`);
      const log = createAuditLog({ filePath: join(dir, 'audit.jsonl'), maxBytes: 1024, files });
      for (let i = 0; i < 60; i++) {
        // 256 fills the file exactly; 1024 is a whole file for one record.
        await log.record(entryOfSize(i, [256, 256, 1024, 255, 257][i % 5] ?? 256));
        const now = await sizes(dir);
        assert.ok(
          Object.keys(now).length <= files,
          `files: ${files} keeps at most ${files}: ${Object.keys(now).join(', ')}`,
        );
        for (const [f, size] of Object.entries(now)) assert.ok(size <= 1024, `files: ${files}, ${f}: ${size} bytes`);
      }
      assert.ok((await log.query()).length > 0);
    }
  }));

void test('a record bigger than the bound is written cut to fit (marked), never past the bound', () =>
  withTempDir('gb-audit-', async (dir) => {
    const time = new Date(Date.UTC(2026, 0, 1)).toISOString();
    // Escaping makes each control character 6 bytes: a path of 500 is 3,000 bytes in the line.
    const longPath: AuditEntry = { ...entry(1), pathTemplate: `/me/${'\u0000'.repeat(496)}`, requestId: 'long-path' };
    const allLong: AuditEntry = {
      time,
      client: '"'.repeat(100),
      tool: '\u001b'.repeat(100),
      method: 'POST',
      pathTemplate: `/me/${'\u0000'.repeat(496)}`,
      status: 201,
      durationMs: 5,
      requestId: '😀'.repeat(50),
    };
    const log = createAuditLog({ filePath: join(dir, 'audit.jsonl'), maxBytes: 10, files: 1 });
    const seen: AuditEntry[] = [];
    for (const e of [entry(0), longPath, allLong, longPath]) {
      await log.record(e);
      const text = await readFile(log.path(), 'utf8');
      assert.ok(Buffer.byteLength(text) <= 512, `a bound below the minimum is raised to 512 bytes: ${text.length}`);
      assert.doesNotMatch(text, /\\ud8/, 'never half an emoji');
      const last = text.split('\n').filter(Boolean).at(-1) ?? '';
      seen.push(auditEntrySchema.parse(JSON.parse(last)));
    }
    const [, path, all] = seen;
    assert.ok(path?.pathTemplate.startsWith('/me/\u0000') === true, 'only the path was cut');
    assert.ok(path.pathTemplate.endsWith('\u0000…'), 'and marked');
    assert.equal(path?.requestId, 'long-path');
    assert.deepEqual([all?.time, all?.method, all?.status], [time, 'POST', 201], 'what matters most is whole');
    assert.equal(all?.pathTemplate, '', 'the path goes first');
    assert.ok([all?.requestId, all?.client, all?.tool].some((t) => t?.endsWith('…')));
  }));

void test('query skips lines that are not JSON or not an audit entry, and reads a missing file as empty', () =>
  withTempDir('gb-audit-', async (dir) => {
    const path = join(dir, 'audit.jsonl');
    const log = createAuditLog({ filePath: path });
    assert.deepEqual(await log.query(), []);
    const lines = [JSON.stringify(entry(1)), '{not json', '{"time":"x","token":"eyJ"}', '', JSON.stringify(entry(2))];
    await writeFile(path, `${lines.join('\n')}\n`);
    assert.deepEqual(
      (await log.query()).map((e) => e.requestId),
      ['r1', 'r2'],
    );
  }));
