import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serveDownload } from '../../emulator/graph/download.ts';
import { UPLOAD_FRAGMENT_UNIT, serveUploadSession } from '../../emulator/graph/upload-session.ts';
import { createTestService, fakeToken, ADELE, str, type J, type TestService } from './fake-deps.ts';

const R = ['Files.Read'];
const RW = ['Files.ReadWrite'];
const UNIT = UPLOAD_FRAGMENT_UNIT;

function tokenOf(url: J | undefined): string {
  const m = /^https:\/\/127\.0\.0\.1:8445\/_up\/([A-Za-z0-9_-]+)$/.exec(str(url));
  assert.ok(m?.[1], `upload URL ${str(url)}`);
  return m[1];
}

/** A request to the pre-authenticated upload URL, as the socket adapter passes it. */
function up(t: TestService, token: string, method: string, o: { range?: string; body?: Buffer; auth?: string } = {}) {
  const headers: Record<string, string> = {};
  if (o.range !== undefined) headers['content-range'] = o.range;
  if (o.auth !== undefined) headers.authorization = o.auth;
  const res = serveUploadSession(
    t.deps,
    t.service.store,
    { token, method, headers, body: o.body ?? Buffer.alloc(0) },
    { requestId: 'r-1', nowMs: t.deps.clock.nowMs() },
  );
  return { ...res, body: (res.json ?? {}) as J };
}

function createSession(t: TestService, path: string, item: Record<string, unknown> = {}) {
  const r = t.call('POST', `/me/drive/root:/${path}:/createUploadSession`, { scopes: RW, body: { item } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return { res: r, token: tokenOf(r.body.uploadUrl) };
}

function pattern(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31) % 251;
  return b;
}

void describe('graph emulator: OneDrive upload sessions', () => {
  void it('createUploadSession answers an uploadSession with an upload URL on the download host', () => {
    const t = createTestService();
    const { res } = createSession(t, 'Big/data.bin', { '@microsoft.graph.conflictBehavior': 'fail', fileSize: 10 });
    assert.equal(
      str(res.body['@odata.context']),
      'https://localhost:8445/v1.0/$metadata#microsoft.graph.uploadSession',
    );
    assert.deepEqual(res.body.nextExpectedRanges, ['0-'] as unknown as J);
    assert.match(str(res.body.expirationDateTime), /^\d{4}-\d\d-\d\dT/);
    const denied = t.call('POST', '/me/drive/root:/x.bin:/createUploadSession', { scopes: R, body: { item: {} } });
    assert.equal(denied.status, 403, 'a write scope is needed');
    const bad = t.call('POST', '/me/drive/root:/x.bin:/createUploadSession', {
      scopes: RW,
      body: { item: {}, foo: 1 },
    });
    assert.equal(bad.status, 400);
    assert.match(str(bad.body.error?.message), /'foo'.*not a valid parameter.*createUploadSession/);
  });

  void it('PUT ranges: 202 with nextExpectedRanges, the last one 201 with the item; the bytes are the file', () => {
    const t = createTestService();
    const bytes = pattern(2 * UNIT + 1000);
    const { token } = createSession(t, 'Big/data.bin', { fileSize: bytes.length });
    const first = up(t, token, 'PUT', {
      range: `bytes 0-${2 * UNIT - 1}/${bytes.length}`,
      body: bytes.subarray(0, 2 * UNIT),
    });
    assert.equal(first.status, 202);
    assert.deepEqual(first.body.nextExpectedRanges, [`${2 * UNIT}-`] as unknown as J);
    const status = up(t, token, 'GET');
    assert.deepEqual([status.status, status.body.nextExpectedRanges], [200, [`${2 * UNIT}-`] as unknown as J]);
    const last = up(t, token, 'PUT', {
      range: `bytes ${2 * UNIT}-${bytes.length - 1}/${bytes.length}`,
      body: bytes.subarray(2 * UNIT),
    });
    assert.equal(last.status, 201);
    assert.equal(last.body.name, 'data.bin' as unknown as J);
    assert.equal(last.body.size, bytes.length as unknown as J);
    assert.equal(last.body.parentReference?.path, '/drive/root:/Big' as unknown as J);
    const content = t.call('GET', '/me/drive/root:/Big/data.bin:/content', { scopes: R });
    const token2 = /_dl\/(.+)$/.exec(content.headers.Location ?? '')?.[1] ?? '';
    assert.deepEqual(serveDownload(t.service.store, token2, t.deps.clock.nowMs(), undefined).raw, bytes);
    assert.equal(up(t, token, 'GET').status, 404, 'a finished session is gone');
  });

  void it('rejects an Authorization header on the upload URL with 401, and keeps the session', () => {
    const t = createTestService();
    const { token } = createSession(t, 'a.bin');
    const withAuth = up(t, token, 'PUT', {
      range: 'bytes 0-9/10',
      body: Buffer.alloc(10),
      auth: `Bearer ${fakeToken(ADELE.oid, RW)}`,
    });
    assert.equal(withAuth.status, 401);
    assert.match(str(withAuth.body.error?.message), /must not carry an Authorization header/);
    assert.equal(up(t, token, 'PUT', { range: 'bytes 0-9/10', body: Buffer.alloc(10) }).status, 201);
  });

  void it('wire errors: malformed or lying Content-Range 400, gaps and overlaps 416, fragments not a multiple of 320 KiB 400', () => {
    const t = createTestService();
    const { token } = createSession(t, 'a.bin');
    const total = 3 * UNIT;
    assert.equal(up(t, token, 'PUT', { body: Buffer.alloc(10) }).status, 400, 'no Content-Range');
    assert.equal(up(t, token, 'PUT', { range: 'bytes 0-9/*', body: Buffer.alloc(10) }).status, 400);
    assert.equal(up(t, token, 'PUT', { range: `bytes 0-9/${total}`, body: Buffer.alloc(9) }).status, 400, 'length');
    const odd = up(t, token, 'PUT', { range: `bytes 0-999/${total}`, body: Buffer.alloc(1000) });
    assert.deepEqual([odd.status, str(odd.body.error?.code)], [400, 'invalidRange']);
    const gap = up(t, token, 'PUT', { range: `bytes ${UNIT}-${2 * UNIT - 1}/${total}`, body: Buffer.alloc(UNIT) });
    assert.deepEqual([gap.status, str(gap.body.error?.code)], [416, 'invalidRange']);
    assert.equal(up(t, token, 'PUT', { range: `bytes 0-${UNIT - 1}/${total}`, body: Buffer.alloc(UNIT) }).status, 202);
    const overlap = up(t, token, 'PUT', { range: `bytes 0-${UNIT - 1}/${total}`, body: Buffer.alloc(UNIT) });
    assert.equal(overlap.status, 416);
    const otherTotal = up(t, token, 'PUT', {
      range: `bytes ${UNIT}-${2 * UNIT - 1}/${total + 1}`,
      body: Buffer.alloc(UNIT),
    });
    assert.equal(otherTotal.status, 400);
  });

  void it('DELETE cancels: 204, then the URL is 404 and nothing was created', () => {
    const t = createTestService();
    const { token } = createSession(t, 'Big/cancelled.bin');
    assert.equal(
      up(t, token, 'PUT', { range: `bytes 0-${UNIT - 1}/${2 * UNIT}`, body: Buffer.alloc(UNIT) }).status,
      202,
    );
    assert.equal(up(t, token, 'DELETE').status, 204);
    const gone = up(t, token, 'PUT', { range: `bytes ${UNIT}-${2 * UNIT - 1}/${2 * UNIT}`, body: Buffer.alloc(UNIT) });
    assert.deepEqual([gone.status, str(gone.body.error?.code)], [404, 'itemNotFound']);
    assert.equal(t.call('GET', '/me/drive/root:/Big/cancelled.bin', { scopes: R }).status, 404);
    assert.equal(t.call('GET', '/me/drive/root:/Big', { scopes: R }).status, 404, 'no folder was created either');
  });

  void it('conflictBehavior: fail → 409 at creation (or at commit if the name appeared meanwhile); replace → 200; rename', () => {
    const t = createTestService();
    const put = (path: string) =>
      t.call('PUT', `/me/drive/root:/${path}:/content`, { scopes: RW, body: Buffer.from('x') });
    assert.equal(put('Notes/exists.txt').status, 201);
    const early = t.call('POST', '/me/drive/root:/Notes/exists.txt:/createUploadSession', {
      scopes: RW,
      body: { item: { '@microsoft.graph.conflictBehavior': 'fail' } },
    });
    assert.deepEqual([early.status, str(early.body.error?.code)], [409, 'nameAlreadyExists']);

    const late = createSession(t, 'Notes/late.txt', { '@microsoft.graph.conflictBehavior': 'fail' });
    assert.equal(put('Notes/late.txt').status, 201);
    const commit = up(t, late.token, 'PUT', { range: 'bytes 0-2/3', body: Buffer.from('abc') });
    assert.deepEqual([commit.status, str(commit.body.error?.code)], [409, 'nameAlreadyExists']);

    const replace = createSession(t, 'Notes/exists.txt', { '@microsoft.graph.conflictBehavior': 'replace' });
    const replaced = up(t, replace.token, 'PUT', { range: 'bytes 0-2/3', body: Buffer.from('new') });
    assert.deepEqual([replaced.status, replaced.body.size], [200, 3]);
    const rename = createSession(t, 'Notes/exists.txt', { '@microsoft.graph.conflictBehavior': 'rename' });
    const renamed = up(t, rename.token, 'PUT', { range: 'bytes 0-0/1', body: Buffer.from('r') });
    assert.deepEqual([renamed.status, str(renamed.body.name)], [201, 'exists 1.txt']);
  });

  void it('a fileSize that disagrees with Content-Range is refused; sessions expire', () => {
    const t = createTestService();
    const { token } = createSession(t, 'a.bin', { fileSize: 5 });
    assert.equal(up(t, token, 'PUT', { range: 'bytes 0-9/10', body: Buffer.alloc(10) }).status, 400);
    t.deps.clock.advance(2 * 3600);
    assert.equal(up(t, token, 'GET').status, 404);
  });
});
