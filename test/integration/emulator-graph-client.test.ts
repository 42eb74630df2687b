// The Graph half of the emulator driven by the UNMODIFIED Graph JS client (spec §1.11–12, §8, §10,
// §15) with a REAL access token from unmodified MSAL (device code approved through the control
// plane). The Graph client uses global fetch, which trusts the emulator CA only via
// NODE_EXTRA_CA_CERTS set before start — so each scenario runs in a child `node` process.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEmulatorPca, startEmulator, type RunningEmulator } from '../helpers/emulator.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs in the child: one scenario with the Graph client, JSON result on stdout. */
const DRIVER = String.raw`
import { Client, PageIterator, BatchRequestContent, BatchResponseContent, ResponseType } from '@microsoft/microsoft-graph-client';
const origin = process.env.GRAPH_ORIGIN;
const make = (token) => Client.init({ authProvider: (done) => done(null, token), baseUrl: origin + '/', customHosts: new Set(['localhost']) });
const client = make(process.env.GRAPH_TEST_TOKEN);
const err = (e) => ({ statusCode: e.statusCode, code: e.code, message: e.message, requestId: e.requestId, hasDate: e.date instanceof Date });
const out = {};
const batchRun = async (steps) => {
  const res = await client.api('/$batch').post(await new BatchRequestContent(steps).getContent());
  const parsed = new BatchResponseContent(res);
  const result = { order: res.responses.map((r) => r.id) };
  for (const id of result.order) {
    const r = parsed.getResponseById(id);
    result[id] = { status: r.status, body: r.status === 204 || r.status === 202 ? null : await r.json() };
  }
  return result;
};
switch (process.env.SCENARIO) {
  case 'paging': {
    const first = await client.api('/me/messages').top(25).select('subject').get();
    const ids = [];
    await new PageIterator(client, first, (m) => { ids.push(m.id); return true; }).iterate();
    out.count = ids.length;
    out.unique = new Set(ids).size;
    out.firstNextLink = first['@odata.nextLink'];
    break;
  }
  case 'forbidden':
    try { await client.api('/me/chats').get(); } catch (e) { out.error = err(e); }
    break;
  case 'unauthorized':
    try { await make('not-a-real-token').api('/me').get(); } catch (e) { out.error = err(e); }
    break;
  case 'throttled':
    out.folders = (await client.api('/me/mailFolders').get()).value.map((f) => f.displayName);
    break;
  case 'download':
    out.text = await client.api('/me/drive/root:/Notes/todo.txt:/content').responseType(ResponseType.TEXT).get();
    break;
  case 'batch': {
    const req = (path, init) => new Request(origin + '/v1.0' + path, init);
    out.chain = await batchRun([
      { id: '1', request: req('/me/messages', { method: 'POST', body: JSON.stringify({ subject: 'batched via SDK' }), headers: { 'Content-Type': 'application/json' } }) },
      { id: '2', request: req("/me/mailFolders/drafts/messages?$filter=subject eq 'batched via SDK'", { method: 'GET' }), dependsOn: ['1'] },
      { id: '3', request: req('/me?$select=displayName', { method: 'GET' }), dependsOn: ['2'] },
    ]);
    out.failed = await batchRun([
      { id: 'a', request: req('/me/messages/AAMkAGdoesnotexist=', { method: 'GET' }) },
      { id: 'b', request: req('/me', { method: 'GET' }), dependsOn: ['a'] },
    ]);
    break;
  }
  default:
    throw new Error('unknown scenario ' + process.env.SCENARIO);
}
process.stdout.write(JSON.stringify(out));
`;

interface ErrorShape {
  statusCode: number;
  code: string;
  message: string;
  requestId: string;
  hasDate: boolean;
}

void describe('emulator Graph half with the unmodified Graph JS client', () => {
  let emu: RunningEmulator;
  let token = '';

  const runScenario = (scenario: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ['--input-type=module', '-e', DRIVER],
        {
          cwd: ROOT,
          timeout: 60_000,
          env: {
            ...process.env,
            NODE_EXTRA_CA_CERTS: emu.caPath,
            GRAPH_ORIGIN: emu.graphOrigin,
            GRAPH_TEST_TOKEN: token,
            SCENARIO: scenario,
          },
        },
        (error, stdout, stderr) => {
          if (error) return reject(new Error(`${scenario} failed: ${error.message}\n${stderr}`));
          resolve(JSON.parse(stdout) as Record<string, unknown>);
        },
      );
    });

  const graphLog = (since: number) => emu.requestLog(since).filter((e) => e.host === 'graph');

  before(async () => {
    emu = await startEmulator();
    emu.control.settings({ deviceInterval: 1 });
    const adele = emu.users[0]!;
    const result = await createEmulatorPca(emu).acquireTokenByDeviceCode({
      scopes: ['User.Read', 'Mail.ReadWrite', 'Files.Read'],
      deviceCodeCallback: (info) => {
        setTimeout(() => emu.control.device(info.userCode, 'approve', adele.upn), 20);
      },
    });
    assert.ok(result?.accessToken);
    token = result.accessToken;
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    emu.control.clearFaults();
  });

  void it('pages through all messages with PageIterator following absolute @odata.nextLink', async () => {
    const since = emu.requestLog().at(-1)?.seq ?? 0;
    const out = await runScenario('paging');
    assert.equal(out.count, 300);
    assert.equal(out.unique, 300);
    assert.match(String(out.firstNextLink), new RegExp(`^${emu.graphOrigin}/v1\\.0/me/messages\\?.*\\$skip=25`));
    const calls = graphLog(since).filter((e) => e.path === '/v1.0/me/messages');
    assert.equal(calls.length, 12);
    assert.ok(calls.every((e) => e.status === 200 && e.headers.authorization?.startsWith('Bearer ')));
    assert.ok(calls.every((e) => /^graph-js\//.test(e.headers.sdkversion ?? '')));
  });

  void it('enforces scopes: a token without Chat.* gets the Teams 403 body as a GraphError', async () => {
    const out = await runScenario('forbidden');
    const error = out.error as ErrorShape;
    assert.equal(error.statusCode, 403);
    assert.equal(error.code, 'Forbidden');
    assert.match(
      error.message,
      /^Missing scope permissions on the request\. API requires one of 'Chat\.ReadBasic, Chat\.Read, Chat\.ReadWrite'\. Scopes on the request '.*Mail\.ReadWrite/,
    );
    assert.match(error.requestId, /^[0-9a-f-]{36}$/);
    assert.equal(error.hasDate, true);
  });

  void it('answers a bad token with 401 InvalidAuthenticationToken as a GraphError', async () => {
    const since = emu.requestLog().at(-1)?.seq ?? 0;
    const out = await runScenario('unauthorized');
    const error = out.error as ErrorShape;
    assert.equal(error.statusCode, 401);
    assert.equal(error.code, 'InvalidAuthenticationToken');
    assert.equal(graphLog(since).at(-1)?.status, 401);
  });

  void it('retries a 429 with Retry-After (fault injected through the control plane)', async () => {
    emu.control.addFault({
      host: 'graph',
      method: 'GET',
      pathPattern: '^/v1\\.0/me/mailFolders$',
      count: 2,
      status: 429,
      headers: { 'Retry-After': '1', 'Content-Type': 'application/json' },
      body: {
        error: {
          code: 'TooManyRequests',
          message: 'Too many requests from Identifier:test under category:test. Please try again later.',
        },
      },
    });
    const since = emu.requestLog().at(-1)?.seq ?? 0;
    const out = await runScenario('throttled');
    assert.ok((out.folders as string[]).includes('Inbox'));
    const calls = graphLog(since).filter((e) => e.path === '/v1.0/me/mailFolders');
    assert.deepEqual(
      calls.map((e) => e.status),
      [429, 429, 200],
    );
    assert.deepEqual(
      calls.map((e) => e.headers['retry-attempt']),
      [undefined, '1', '2'],
    );
    assert.equal(new Set(calls.map((e) => e.headers['client-request-id'])).size, 1);
  });

  void it('follows the /content 302 to the download host and drops Authorization there', async () => {
    const since = emu.requestLog().at(-1)?.seq ?? 0;
    const out = await runScenario('download');
    assert.match(String(out.text), /call Northwind/);
    const log = graphLog(since);
    const content = log.find((e) => e.path === '/v1.0/me/drive/root:/Notes/todo.txt:/content');
    const dl = log.find((e) => e.path.startsWith('/_dl/'));
    assert.equal(content?.status, 302);
    assert.ok(content?.headers.authorization);
    assert.equal(dl?.status, 200);
    assert.equal(dl?.headers.host, new URL(emu.downloadOrigin).host);
    assert.equal(dl?.headers.authorization, undefined);
  });

  void it('runs a $batch built by BatchRequestContent (dependsOn chain, 424 on failed dependency)', async () => {
    const since = emu.requestLog().at(-1)?.seq ?? 0;
    const out = await runScenario('batch');
    const chain = out.chain as Record<string, { status: number; body: { value?: unknown[]; displayName?: string } }> & {
      order: string[];
    };
    assert.equal(chain['1']?.status, 201);
    assert.equal(chain['2']?.status, 200);
    assert.equal(chain['2']?.body.value?.length, 1);
    assert.equal(chain['3']?.body.displayName, 'Adele Vance');
    assert.deepEqual([...chain.order].sort(), ['1', '2', '3']);
    const failed = out.failed as Record<string, { status: number }>;
    assert.equal(failed.a?.status, 404);
    assert.equal(failed.b?.status, 424);
    const batchBody = graphLog(since).find((e) => e.path === '/v1.0/$batch')?.body as { requests: { url: string }[] };
    assert.ok(batchBody.requests.every((r) => r.url.startsWith('/v1.0/')));
  });
});
