/**
 * The bridge's Graph and API traffic under attack (issues #11.1, #11.3, #11.6, #15), end to end: a
 * real MCP Client spawns the bridge over stdio; a REAL broker is signed in to the emulator; the
 * emulator's fault controls redirect calls to its redirect target (another https origin, and plain
 * http — both record every Authorization header they receive) or hold requests without an answer;
 * the request logs prove what was sent, what arrived, and which connections the bridge closed.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { startTestBroker, type TestBroker } from '../helpers/broker.ts';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.ts';
import { resultText, startBridgeClient, type BridgeClient } from '../helpers/mcp-client.ts';
import { okStructured, toolHarness } from '../helpers/tool-harness.ts';
import { waitFor } from '../helpers/wait-for.ts';

let emulator: RunningEmulator;
let broker: TestBroker;
let bridge: BridgeClient;
let work: string;
let downloads: string;

const { lastSeq } = toolHarness(() => ({ emulator, broker: broker.broker, bridge }));

function graphLog(since: number) {
  return emulator.control.requests(since).filter((r) => r.host === 'graph');
}

/** Everything the redirect target received, and whether any of it carried a token. */
function targetSaw() {
  const all = emulator.control.redirectTargetRequests();
  return { all, withToken: all.filter((r) => r.authorization !== undefined) };
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'gb-graph-traffic-'));
  downloads = join(work, 'downloads');
  emulator = await startEmulator();
  const adele = emulator.users.find((u) => u.upn.startsWith('adele'));
  assert.ok(adele && emulator.api);
  const graphScopes = Object.entries(GROUP_SCOPES)
    .filter(([group]) => group !== 'teams')
    .flatMap(([, g]) => [...g.read, ...g.write]);
  emulator.control.setGrant(adele.oid, emulator.clientId, [...new Set([...graphScopes, emulator.api.scope])]);
  broker = await startTestBroker({
    emulator,
    // The broker's settings decide what is served (--tools only narrows).
    toolGroups: ['profile', 'mail', 'files', 'graph', 'api'],
    writes: 'allow',
    settings: { api: { baseUrl: emulator.api.baseUrl, scope: emulator.api.scope } },
  });
  bridge = await startBridgeClient({
    home: broker.home,
    caPath: emulator.caPath,
    clientName: 'graph-traffic-it',
    args: ['--tools', 'profile,mail,files,graph,api'],
    env: { GRAPH_BRIDGE_DOWNLOAD_DIR: downloads },
  });
});

beforeEach(() => {
  emulator.control.clearFaults();
  emulator.control.releaseHeld();
});

after(async () => {
  await bridge?.close();
  await broker?.stop();
  await emulator?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the bearer token stays on the origin it was made for (#11.1)', { concurrency: false }, () => {
  test("read_file's /content download reaches the download host without the token", async () => {
    const since = lastSeq();
    const r = await bridge.call('read_file', { path: 'Notes/todo.txt' });
    assert.notEqual(r.isError, true, resultText(r));
    assert.match(resultText(r), /call Northwind/);
    const log = graphLog(since);
    const content = log.find((e) => /\/content$/.test(e.path));
    const download = log.find((e) => e.path.startsWith('/_dl/'));
    assert.ok(content && download, JSON.stringify(log.map((e) => e.path)));
    assert.match(content.headers.authorization ?? '', /^Bearer /, 'Graph itself gets the token');
    assert.equal(download.headers.authorization, undefined, 'the download host (another origin) does not');
  });

  test('/content and a list call redirected to another origin: that origin never receives a token', async () => {
    const before = targetSaw().all.length;
    emulator.control.addFault({
      host: 'graph',
      method: 'GET',
      pathPattern: '/content$',
      always: true,
      redirect: { to: 'other-origin' },
    });
    emulator.control.addFault({
      host: 'graph',
      method: 'GET',
      pathPattern: '^/v1\\.0/me/mailFolders/inbox/messages$',
      always: true,
      redirect: { to: 'other-origin', status: 307 },
    });
    const file = await bridge.call('read_file', { path: 'Notes/todo.txt' });
    assert.notEqual(file.isError, true, resultText(file));
    const raw = await bridge.call('graph_request', {
      path: '/me/drive/root:/Notes/todo.txt:/content',
      scopes: ['Files.Read'],
    });
    const saved = okStructured<{ savedPath: string }>(raw).savedPath;
    assert.match(await readFile(saved, 'utf8'), /emulator redirect target/, 'the content came from the other origin');
    const list = await bridge.call('list_messages', { folder: 'inbox', top: 3 });
    assert.notEqual(list.isError, true, resultText(list));
    const seen = targetSaw();
    const arrived = seen.all.slice(before);
    assert.ok(
      arrived.some((r) => r.path.endsWith('/content')),
      JSON.stringify(arrived),
    );
    assert.ok(
      arrived.some((r) => r.path.endsWith('/messages')),
      JSON.stringify(arrived),
    );
    assert.deepEqual(seen.withToken, [], 'no request to the other origin carried Authorization');
  });

  test('a redirect to http: is refused; the http listener receives nothing', async () => {
    emulator.control.addFault({
      host: 'graph',
      method: 'GET',
      pathPattern: '(/content|^/v1\\.0/me/mailFolders/inbox/messages)$',
      always: true,
      redirect: { to: 'http' },
    });
    for (const [tool, args] of [
      ['read_file', { path: 'Notes/todo.txt' }],
      ['list_messages', { folder: 'inbox', top: 3 }],
    ] as const) {
      const r = await bridge.call(tool, args);
      assert.equal(r.isError, true, resultText(r));
      assert.match(
        resultText(r),
        /Microsoft Graph redirected GET to http:\/\/127\.0\.0\.1:\d+\/v1\.0\/me\/.*which is not https/,
      );
      assert.doesNotMatch(resultText(r), /\?/, 'the target query is not shown');
    }
    assert.deepEqual(
      targetSaw().all.filter((r) => r.scheme === 'http'),
      [],
    );
  });

  test('api_request: the API redirecting elsewhere gets no token there; http is refused', async () => {
    const before = targetSaw().all.length;
    emulator.control.addFault({
      host: 'api',
      method: 'GET',
      pathPattern: '/orders$',
      count: 1,
      redirect: { to: 'other-origin' },
    });
    const moved = await bridge.call('api_request', { path: '/orders' });
    assert.notEqual(moved.isError, true, resultText(moved));
    emulator.control.addFault({
      host: 'api',
      method: 'GET',
      pathPattern: '/orders$',
      count: 1,
      redirect: { to: 'http' },
    });
    const refused = await bridge.call('api_request', { path: '/orders' });
    assert.equal(refused.isError, true);
    assert.match(resultText(refused), /Your API redirected GET to http:.*which is not https/);
    const arrived = targetSaw().all.slice(before);
    assert.deepEqual(
      arrived.map((r) => [r.scheme, r.path, r.authorization ?? null]),
      [['https', '/api/orders', null]],
    );
  });
});

describe('no write hides in graph_request (#11.3)', () => {
  test('a padded $batch with an inner DELETE and sendMail is refused even with writes allowed; nothing runs', async () => {
    const inbox = okStructured<{ json: { value: { id: string }[] } }>(
      await bridge.call('graph_request', {
        path: '/me/mailFolders/inbox/messages?$top=1&$select=id',
        scopes: ['Mail.Read'],
      }),
    );
    const victim = inbox.json.value[0]!.id;
    const since = lastSeq();
    const padding = Array.from({ length: 18 }, (_, i) => ({
      id: `pad${i}`,
      method: 'GET',
      url: `/me?x=${'.'.repeat(500)}`,
    }));
    const r = await bridge.call('graph_request', {
      method: 'POST',
      path: '/$batch',
      scopes: ['Mail.ReadWrite', 'Mail.Send'],
      body: {
        requests: [
          ...padding,
          { id: 'd', method: 'DELETE', url: `/me/messages/${victim}` },
          {
            id: 's',
            method: 'POST',
            url: '/me/sendMail',
            headers: { 'Content-Type': 'application/json' },
            body: { message: { subject: 'exfil', toRecipients: [{ emailAddress: { address: 'evil@example.com' } }] } },
          },
        ],
      },
    });
    assert.equal(r.isError, true);
    assert.match(
      resultText(r),
      /#19 DELETE \/me\/messages\/.*#20 POST \/me\/sendMail.*Nothing was sent.*one by one|Send each write as its own graph_request call/,
    );
    assert.deepEqual(
      graphLog(since).map((e) => `${e.method} ${e.path}`),
      [],
      'nothing reached Graph: no $batch, no DELETE, no sendMail',
    );
    const still = await bridge.call('graph_request', {
      path: `/me/messages/${victim}?$select=id`,
      scopes: ['Mail.Read'],
    });
    assert.notEqual(still.isError, true, 'the message was not deleted');
  });
});

describe('deadlines and cancellation reach the HTTP request (#11.6)', { concurrency: false }, () => {
  // The timeouts are ceilings for a hang (without the fix the call never ends), not measurements.
  test(
    'MCP cancellation aborts a Graph request that gets no answer; the emulator sees the connection close',
    { timeout: 60_000 },
    async () => {
      const since = lastSeq();
      emulator.control.addFault({ host: 'graph', method: 'GET', pathPattern: '^/v1\\.0/me$', count: 1, hold: true });
      const controller = new AbortController();
      const call = bridge.client.callTool({ name: 'get_my_profile', arguments: {} }, undefined, {
        signal: controller.signal,
      });
      const held = await waitFor(() => graphLog(since).find((e) => e.path === '/v1.0/me'), 'the held GET /me');
      controller.abort('the user pressed stop');
      await assert.rejects(call, /the user pressed stop/);
      await waitFor(
        () => emulator.control.requests(since).find((e) => e.seq === held.seq)?.closedByClient === true,
        'the bridge to close the held connection',
      );
      const again = await bridge.call('get_my_profile');
      assert.notEqual(again.isError, true, resultText(again));
    },
  );

  test(
    'a Graph call without an answer ends at the deadline with an error that says what to do',
    { timeout: 60_000 },
    async () => {
      const slow = await startBridgeClient({
        home: broker.home,
        caPath: emulator.caPath,
        env: { GRAPH_BRIDGE_HTTP_TIMEOUT_MS: '1000' },
      });
      try {
        const since = lastSeq();
        emulator.control.addFault({ host: 'graph', method: 'GET', pathPattern: '^/v1\\.0/me$', count: 1, hold: true });
        const r = await slow.call('get_my_profile');
        assert.equal(r.isError, true);
        assert.match(
          resultText(r),
          /^Microsoft Graph did not answer GET \/me within 1 s.*raise GRAPH_BRIDGE_HTTP_TIMEOUT_MS \(milliseconds, now 1000\)/,
        );
        const held = graphLog(since).find((e) => e.path === '/v1.0/me');
        await waitFor(
          () => emulator.control.requests(since).find((e) => e.seq === held?.seq)?.closedByClient === true,
          'the bridge to close the timed-out connection',
        );
      } finally {
        await slow.close();
      }
    },
  );
});

describe('generic results and hints (#15)', () => {
  test('graph_request GET …/attachments saves contentBytes to files and returns their paths', async () => {
    const inbox = okStructured<{ json: { value: { id: string; hasAttachments: boolean }[] } }>(
      await bridge.call('graph_request', {
        path: '/me/mailFolders/inbox/messages?$top=50&$select=id,hasAttachments',
        scopes: ['Mail.Read'],
      }),
    );
    const withFiles = inbox.json.value.find((m) => m.hasAttachments);
    assert.ok(withFiles);
    const r = await bridge.call('graph_request', {
      path: `/me/messages/${withFiles.id}/attachments`,
      scopes: ['Mail.Read'],
    });
    const out = okStructured<{
      json: { value: { name: string; size: number; contentBytes: string }[] };
      savedPaths: string[];
    }>(r);
    assert.doesNotMatch(resultText(r), /[A-Za-z0-9+/]{200,}/, 'no base64 in the model context');
    assert.equal(out.savedPaths.length, out.json.value.length);
    for (const [i, attachment] of out.json.value.entries()) {
      const saved = out.savedPaths[i]!;
      const bytes = await readFile(saved);
      assert.equal(attachment.contentBytes, `[${bytes.length} bytes saved to ${saved}]`);
      assert.ok(saved.startsWith(downloads), saved);
      if (attachment.name.endsWith('.pdf'))
        assert.equal(bytes.subarray(0, 5).toString(), '%PDF-', 'decoded, not base64');
    }
    assert.ok(
      out.json.value.some((a) => a.name.endsWith('.pdf')),
      'the seeded message has a PDF',
    );
  });

  test('graph_request without a scope names that scope, never a consent command', async () => {
    // A free-form permission no group lists (Notes.Read now belongs to the notes group).
    const r = await bridge.call('graph_request', { path: '/me/chats', scopes: ['Chat.ReadBasic'] });
    assert.equal(r.isError, true);
    assert.match(resultText(r), /graph_request needs permissions that have not been granted yet: Chat\.ReadBasic\./);
    assert.match(resultText(r), /press Grant/);
    assert.doesNotMatch(resultText(r), /graph-bridge consent|User\.Read/);
  });
});
