// The emulator's Graph request log on disk (issue #12) over real HTTPS: what test/run.mjs checks
// against Microsoft's schema after the integration and e2e tiers. Authorization never reaches it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPECT_INVALID_HEADER } from '../emulator/request-log-file.ts';
import { checkRequestLog } from '../graph-schema/check-log.ts';
import { loadGraphSchema } from '../graph-schema/load.ts';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.ts';

let emulator: RunningEmulator;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'graph-bridge-request-log-'));
  emulator = await startEmulator({ requestLogDir: dir });
});
after(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${emulator.graphOrigin}${path}`,
      { method, headers, ca: emulator.caPem, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

void describe('emulator: Graph request log file', () => {
  void it('appends every Graph request with query, headers and JSON body, never the bearer token', async () => {
    const secret = 'eyJhbGciOiJub25lIn0.c2VjcmV0LXRva2VuLXZhbHVl.sig';
    const get = await send('GET', '/v1.0/me/messages?$select=subject,from&$top=2', {
      authorization: `Bearer ${secret}`,
      'client-request-id': 'log-test-1',
      prefer: 'outlook.body-content-type="text"',
    });
    assert.equal(get, 401); // a made-up token; logged all the same
    const post = await send(
      'POST',
      '/v1.0/me/sendMail',
      { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      JSON.stringify({ message: { subject: 'hello' }, saveToSentItems: false }),
    );
    assert.equal(post, 401);
    await send('GET', '/v1.0/me/messages?$select=nope', {
      authorization: `Bearer ${secret}`,
      [EXPECT_INVALID_HEADER]: 'invalid; shows the marker reaches the log',
    });
    await send('GET', '/v1.0/me', { authorization: `Bearer ${secret}` }); // entra requests and this one…
    const files = readdirSync(dir);
    assert.equal(files.length, 1, 'one file per emulator instance');
    const text = readFileSync(join(dir, files[0] ?? ''), 'utf8');
    assert.ok(!text.includes(secret), 'the token never reaches the log');
    assert.doesNotMatch(text, /authorization/i);
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 4, 'only the Graph origin is logged');
    assert.deepEqual(
      { method: lines[0]?.method, path: lines[0]?.path, rawQuery: lines[0]?.rawQuery, status: lines[0]?.status },
      { method: 'GET', path: '/v1.0/me/messages', rawQuery: '$select=subject,from&$top=2', status: 401 },
    );
    assert.equal((lines[0]?.headers as Record<string, string>)['client-request-id'], 'log-test-1');
    assert.equal(lines[0]?.source, join('test', 'integration', 'emulator-request-log.test.ts'));
    assert.deepEqual(lines[1]?.body, { message: { subject: 'hello' }, saveToSentItems: false });

    const result = checkRequestLog(loadGraphSchema(), dir, []);
    assert.equal(result.checked, 4);
    assert.equal(result.invalid.length, 0);
    assert.equal(result.expectedInvalid.length, 1);
  });
});
