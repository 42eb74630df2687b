import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequestLogSink, EXPECT_INVALID_HEADER } from '../../emulator/request-log-file.ts';
import type { RequestLogEntry } from '../../emulator/types.ts';
import { checkPassed, checkRequestLog, formatReport } from '../../graph-schema/check-log.ts';
import { loadGraphSchema } from '../../graph-schema/load.ts';
import { withTempDir } from '../../helpers/temp-dir.ts';

const schema = loadGraphSchema();

function entry(method: string, path: string, extra: Partial<RequestLogEntry> = {}): RequestLogEntry {
  return {
    seq: 1,
    time: '2026-03-16T10:00:00.000Z',
    host: 'graph',
    method,
    path,
    query: {},
    headers: {},
    status: 200,
    ...extra,
  };
}

void describe('graph schema: request log file and the post-run check', () => {
  void it('logs method, raw query, kept headers and JSON bodies — never Authorization or cookies', async () => {
    await withTempDir('graph-schema-log-', async (dir) => {
      const sink = createRequestLogSink({
        dir,
        source: join(process.cwd(), 'test/integration/x.test.ts'),
        cwd: process.cwd(),
      });
      assert.ok(sink);
      sink.append(
        entry('POST', '/v1.0/me/sendMail', {
          headers: {
            authorization: 'Bearer eyJ.secret.token',
            cookie: 'a=b',
            'x-emulator-key': 'k',
            'content-type': 'application/json',
            prefer: 'outlook.body-content-type="text"',
            'client-request-id': 'c1',
          },
          body: { message: { subject: 'hi' } },
        }),
        { rawQuery: '', bodyBytes: 30 },
      );
      sink.append(entry('PUT', '/v1.0/me/drive/root:/a.bin:/content'), { rawQuery: '$select=id%2Cname', bodyBytes: 5 });
      const [file] = readdirSync(dir);
      assert.match(file ?? '', /^graph-requests-\d+-[0-9a-f]{8}\.jsonl$/);
      const text = readFileSync(join(dir, file ?? ''), 'utf8');
      assert.doesNotMatch(text, /secret|authorization|cookie|x-emulator-key/i);
      const [a, b] = text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(a?.headers, {
        'content-type': 'application/json',
        prefer: 'outlook.body-content-type="text"',
        'client-request-id': 'c1',
      });
      assert.deepEqual(a?.body, { message: { subject: 'hi' } });
      assert.equal(a?.source, 'test/integration/x.test.ts');
      assert.equal(b?.rawQuery, '$select=id%2Cname');
      assert.equal(b?.bodyBytes, 5);
      assert.equal(createRequestLogSink({ dir: undefined, source: '', cwd: '' }), undefined);
    });
  });

  void it('passes valid traffic, fails invalid requests naming the reason and the test that sent them', async () => {
    await withTempDir('graph-schema-log-', async (dir) => {
      const sink = createRequestLogSink({
        dir,
        source: join(process.cwd(), 'test/integration/y.test.ts'),
        cwd: process.cwd(),
      });
      assert.ok(sink);
      sink.append(entry('GET', '/v1.0/me/messages'), { rawQuery: '$select=subject&$top=5', bodyBytes: 0 });
      sink.append(entry('GET', '/_dl/abc'), { rawQuery: '', bodyBytes: 0 });
      sink.append(entry('PUT', '/_up/Tok_en-1'), { rawQuery: '', bodyBytes: 320 * 1024 });
      let r = checkRequestLog(schema, dir, []);
      assert.equal(checkPassed(r), true);
      assert.equal(r.checked, 1);
      assert.equal(r.skippedPreauthenticated, 2);

      sink.append(entry('GET', '/v1.0/me/messages', { status: 400 }), { rawQuery: '$select=subjekt', bodyBytes: 0 });
      r = checkRequestLog(schema, dir, []);
      assert.equal(checkPassed(r), false);
      const report = formatReport(r);
      assert.match(report, /INVALID GET \/v1\.0\/me\/messages\?\$select=subjekt/);
      assert.match(report, /sent during test\/integration\/y\.test\.ts/);
      assert.match(report, /`\$select=subjekt`: no property `subjekt` on microsoft\.graph\.message/);
    });
  });

  void it('skips only requests carrying the reviewed marker, and fails a marker on a valid request', async () => {
    await withTempDir('graph-schema-log-', async (dir) => {
      const sink = createRequestLogSink({ dir, source: '', cwd: '' });
      assert.ok(sink);
      const marked = { headers: { [EXPECT_INVALID_HEADER]: 'invalid; checks the 400 for an unknown $select' } };
      sink.append(entry('GET', '/v1.0/me/messages', marked), { rawQuery: '$select=nope', bodyBytes: 0 });
      let r = checkRequestLog(schema, dir, []);
      assert.equal(checkPassed(r), true);
      assert.equal(r.expectedInvalid.length, 1);

      sink.append(entry('GET', '/v1.0/me/messages', marked), { rawQuery: '$select=subject', bodyBytes: 0 });
      r = checkRequestLog(schema, dir, []);
      assert.equal(checkPassed(r), false);
      assert.match(formatReport(r), /MARKED INVALID BUT VALID GET \/v1\.0\/me\/messages\?\$select=subject/);

      // A marker without a reason does not count as reviewed.
      const dir2 = join(dir, 'b');
      const sink2 = createRequestLogSink({ dir: dir2, source: '', cwd: '' });
      sink2?.append(entry('GET', '/v1.0/me/messages', { headers: { [EXPECT_INVALID_HEADER]: 'invalid' } }), {
        rawQuery: '$select=nope',
        bodyBytes: 0,
      });
      assert.equal(checkPassed(checkRequestLog(schema, dir2, [])), false);
    });
  });

  void it('accepts allow-listed bridge requests, fails stale allow-list entries and unreadable lines', async () => {
    await withTempDir('graph-schema-log-', async (dir) => {
      const sink = createRequestLogSink({ dir, source: '', cwd: '' });
      assert.ok(sink);
      sink.append(entry('GET', '/v1.0/me/messages'), { rawQuery: '$select=subjekt', bodyBytes: 0 });
      const allow = {
        method: 'GET',
        path: /^\/me\/messages$/,
        error: 'no property `subjekt`',
        sentBy: 'bridge/tools/mail.ts list_mail',
        why: 'typo, fix pending',
      };
      const stale = { ...allow, path: /^\/me\/events$/, sentBy: 'bridge/tools/calendar.ts' };
      let r = checkRequestLog(schema, dir, [allow]);
      assert.equal(checkPassed(r), true);
      assert.equal(r.allowed.length, 1);
      assert.match(formatReport(r), /ALLOWED \(allow-list: bridge\/tools\/mail\.ts list_mail\)/);
      r = checkRequestLog(schema, dir, [allow, stale]);
      assert.equal(checkPassed(r), false);
      assert.match(formatReport(r), /STALE allow-list entry .*bridge\/tools\/calendar\.ts/);

      appendFileSync(sink.file, '{"method":1}\nnot json\n');
      r = checkRequestLog(schema, dir, [allow]);
      assert.equal(checkPassed(r), false);
      assert.equal(r.unreadable.length, 2);
    });
  });
});
