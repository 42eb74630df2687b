import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ensureUserTempDir } from '../../../../bridge/downloads.ts';
import { HANDLE_PREFIX } from '../../../../bridge/handles/handle-code.ts';
import { createHandleStore } from '../../../../bridge/handles/handle-store.ts';
import { MAX_SIMPLE_UPLOAD_BYTES, createFileTools } from '../../../../bridge/tools/files.ts';
import { withTempDir } from '../../../helpers/temp-dir.ts';
import { localFilesFixture } from '../uploads/local-files-fixture.ts';
import { assertCatalogRules, byName, fakeContext, rejectsWithCode, runTool } from './shared/fake-context.ts';

const tools = createFileTools();

const ITEM = {
  id: 'item-1',
  name: 'notes.md',
  size: 12,
  lastModifiedDateTime: '2026-05-01T10:00:00Z',
  file: { mimeType: 'text/markdown' },
  parentReference: { path: '/drive/root:/Documents' },
  webUrl: 'https://contoso-my.sharepoint.com/notes.md',
};

void describe('files tools catalog', () => {
  void it('follows the catalog rules', () => {
    assertCatalogRules(tools);
    assert.deepEqual(
      tools.map((t) => t.name),
      ['list_files', 'read_file', 'upload_file', 'manage_file', 'read_workbook', 'write_workbook'],
    );
    assert.deepEqual(byName(tools, 'read_file').scopes, ['Files.Read']);
    assert.deepEqual(byName(tools, 'upload_file').scopes, ['Files.ReadWrite']);
    assert.equal(byName(tools, 'upload_file').annotations.destructiveHint, true);
    assert.ok(
      tools.every((t) => t.outputSchema === undefined),
      'results are text: no output schemas',
    );
  });
});

void describe('list_files', () => {
  void it('lists the root by default and a path with /root:/path:/children', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/drive/root/children': {
          items: [
            { id: 'f1', name: 'Documents', folder: { childCount: 3 }, parentReference: { path: '/drive/root:' } },
          ],
          nextCursor: null,
        },
        'GET /me/drive/root:/Documents/Q3%20Plan:/children': { items: [ITEM], nextCursor: 'gb1.n' },
      },
    });
    const root = await runTool(byName(tools, 'list_files'), {}, fake.ctx);
    assert.match(root.text, /- \[f1\] Documents\/ \(folder, 3 item\(s\)\)/);
    const sub = await runTool(
      byName(tools, 'list_files'),
      { path: '/Documents/Q3 Plan/', top: 10, cursor: 'gb1.c' },
      fake.ctx,
    );
    const rec = fake.graph[1];
    assert.equal(rec?.call.pathTemplate, '/me/drive/root:{path}:/children');
    assert.equal(rec?.call.query?.$top, 10);
    assert.equal(rec?.cursor, 'gb1.c');
    assert.deepEqual(rec?.call.scopes, ['Files.Read']);
    assert.match(sub.text, /- \[item-1\] Documents\/notes\.md \(12 bytes, modified 2026-05-01 10:00\)/);
    assert.match(sub.text, /cursor "gb1\.n"/);
    assert.equal(sub.structured, undefined);
  });

  void it('rejects traversal in the folder path, and path together with query', async () => {
    const fake = fakeContext();
    await rejectsWithCode(runTool(byName(tools, 'list_files'), { path: 'Documents/../..' }, fake.ctx), 'INVALID_INPUT');
    await rejectsWithCode(
      runTool(byName(tools, 'list_files'), { path: 'Documents', query: 'x' }, fake.ctx),
      'INVALID_INPUT',
    );
    assert.equal(fake.graph.length, 0);
  });

  void it("searches with query: OData '' escaping, URL-encoded", async () => {
    const fake = fakeContext({
      routes: { "GET /me/drive/root/search(q='Bob''s%20plan')": { items: [ITEM], nextCursor: null } },
    });
    const result = await runTool(byName(tools, 'list_files'), { query: "Bob's plan" }, fake.ctx);
    assert.equal(fake.graph[0]?.call.pathTemplate, '/me/drive/root/search(q={q})');
    assert.match(result.text, /1 match\(es\) in OneDrive for "Bob's plan"/);
  });

  void it('a SharePoint library (drive) or a site id uses /drives/{id} or /sites/{id}/drive with Files.Read.All', async () => {
    const fake = fakeContext({
      routes: {
        'GET /drives/b!lib/root/children': {
          items: [{ ...ITEM, parentReference: { path: '/drives/b!lib/root:/Campaigns' } }],
          nextCursor: null,
        },
        'GET /sites/contoso.sharepoint.com,1,2/drive/root/children': { items: [], nextCursor: null },
      },
    });
    const lib = await runTool(byName(tools, 'list_files'), { drive: 'b!lib' }, fake.ctx);
    assert.deepEqual(fake.graph[0]?.call.scopes, ['Files.Read.All']);
    assert.equal(fake.graph[0]?.call.pathTemplate, '/drives/{id}/root/children');
    assert.match(lib.text, /Campaigns\/notes\.md/);
    await runTool(byName(tools, 'list_files'), { drive: 'contoso.sharepoint.com,1,2' }, fake.ctx);
    assert.equal(fake.graph[1]?.call.pathTemplate, '/sites/{id}/drive/root/children');
  });
});

void describe('read_file', () => {
  void it('returns small text inline', async () => {
    const content = '# Notes\n\n- one, two\n';
    const fake = fakeContext({
      routes: {
        'GET /me/drive/root:/Documents/notes.md': ITEM,
        'GET /me/drive/items/item-1/content': {
          bytes: new TextEncoder().encode(content),
          contentType: 'text/markdown',
        },
      },
    });
    const result = await runTool(byName(tools, 'read_file'), { path: 'Documents/notes.md' }, fake.ctx);
    assert.ok(result.text.endsWith(content));
    assert.match(result.text, /^Documents\/notes\.md \[item-1\] \(/);
    assert.equal(fake.saved.length, 0);
    assert.equal(fake.graph[1]?.kind, 'download');
  });

  void it('saves large text and binary files with saveDownload and never puts bytes in the result', async () => {
    const pdf = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x00, 0x9f, 0x92, 0x96]);
    const fake = fakeContext({
      limits: { maxInlineFileBytes: 16 },
      routes: {
        'GET /me/drive/items/pdf-1': {
          ...ITEM,
          id: 'pdf-1',
          name: 'report.pdf',
          size: pdf.length,
          file: { mimeType: 'application/pdf' },
        },
        'GET /me/drive/items/pdf-1/content': { bytes: pdf, contentType: 'application/pdf' },
        'GET /me/drive/items/big-1': {
          ...ITEM,
          id: 'big-1',
          name: 'big.csv',
          size: 40,
          file: { mimeType: 'text/csv' },
        },
        'GET /me/drive/items/big-1/content': {
          bytes: new TextEncoder().encode('a,b\n'.repeat(10)),
          contentType: 'text/csv',
        },
      },
    });
    const bin = await runTool(byName(tools, 'read_file'), { itemId: 'pdf-1' }, fake.ctx);
    assert.match(bin.text, /binary file; saved to \/tmp\/downloads\/report\.pdf/);
    assert.deepEqual(fake.saved[0]?.bytes, pdf);
    assert.doesNotMatch(bin.text, /JVBER/, 'no base64 of the PDF');

    const big = await runTool(byName(tools, 'read_file'), { itemId: 'big-1' }, fake.ctx);
    assert.match(big.text, /too large to show inline \(limit 16 bytes\); saved to \/tmp\/downloads\/big\.csv/);
    // Larger than the inline limit: streamed to the file (constant memory), capped at read_file's limit.
    assert.deepEqual(
      fake.graph.map((g) => g.kind),
      ['request', 'download', 'request', 'downloadToFile'],
    );
  });

  void it('saves text-named files whose bytes are not UTF-8', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/drive/items/x': { ...ITEM, id: 'x', name: 'latin1.txt' },
        'GET /me/drive/items/x/content': { bytes: new Uint8Array([0x63, 0x61, 0x66, 0xe9]), contentType: 'text/plain' },
      },
    });
    const result = await runTool(byName(tools, 'read_file'), { itemId: 'x' }, fake.ctx);
    assert.match(result.text, /not UTF-8 text; saved to/);
  });

  void it('refuses folders, oversized files and ambiguous input', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/drive/items/dir': { id: 'dir', name: 'Documents', folder: { childCount: 1 } },
        'GET /me/drive/items/huge': { ...ITEM, id: 'huge', size: 500 * 1024 * 1024 },
      },
    });
    await rejectsWithCode(
      runTool(byName(tools, 'read_file'), { itemId: 'dir' }, fake.ctx),
      'INVALID_INPUT',
      /list_files/,
    );
    await rejectsWithCode(runTool(byName(tools, 'read_file'), { itemId: 'huge' }, fake.ctx), 'FILE_TOO_LARGE');
    await rejectsWithCode(runTool(byName(tools, 'read_file'), {}, fake.ctx), 'INVALID_INPUT');
    await rejectsWithCode(runTool(byName(tools, 'read_file'), { itemId: 'a', path: 'b' }, fake.ctx), 'INVALID_INPUT');
    assert.ok(fake.graph.every((g) => g.kind !== 'download'));
  });
});

void describe('upload_file', () => {
  void it('asks first, then PUTs the text with conflictBehavior and a content type', async () => {
    const fake = fakeContext({
      routes: { 'PUT /me/drive/root:/Documents/new%20note.md:/content': { ...ITEM, id: 'new-1', name: 'new note.md' } },
    });
    const result = await runTool(
      byName(tools, 'upload_file'),
      { path: 'Documents/new note.md', content: 'héllo' },
      fake.ctx,
    );
    assert.deepEqual(fake.log, ['approve', 'request PUT /me/drive/root:/Documents/new%20note.md:/content']);
    assert.match(
      fake.approvals[0]?.summary ?? '',
      /Upload text content \(6 bytes\) to OneDrive "Documents\/new note\.md" \(fails if it exists\)/,
    );
    const call = fake.graph[0]?.call;
    assert.equal(call?.query?.['@microsoft.graph.conflictBehavior'], 'fail');
    assert.equal(call?.headers?.['Content-Type'], 'text/markdown');
    const body = call?.body;
    assert.ok(Buffer.isBuffer(body));
    assert.equal(body.toString('utf8'), 'héllo');
    assert.deepEqual(call?.scopes, ['Files.ReadWrite']);
    assert.match(result.text, /Uploaded 6 bytes/);
  });

  void it('uploads a local file from an allowed folder: the approval shows the real path, size and SHA-256', async () => {
    await withTempDir('gb-files-', async (home) => {
      const docs = join(home, 'Documents');
      await mkdir(docs);
      const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff]);
      await writeFile(join(docs, 'report.pdf'), bytes);
      const { files } = localFilesFixture({ allowed: [docs], homedir: home });
      const fake = fakeContext({
        localFiles: files,
        routes: { 'PUT /me/drive/root:/r.pdf:/content': { id: 'p', name: 'r.pdf' } },
      });
      await runTool(
        byName(tools, 'upload_file'),
        { path: 'r.pdf', localPath: join(docs, 'report.pdf'), conflictBehavior: 'replace' },
        fake.ctx,
      );
      const sha = createHash('sha256').update(bytes).digest('hex');
      assert.match(
        fake.approvals[0]?.summary ?? '',
        new RegExp(`local file ${join(docs, 'report.pdf')} .*SHA-256 ${sha.slice(0, 16)}.*REPLACING`),
      );
      assert.equal(fake.approvals[0]?.details?.['SHA-256'], sha);
      assert.equal(fake.approvals[0]?.details?.Size, '6 bytes (6 bytes)');
      assert.deepEqual(fake.log, ['approve', 'request PUT /me/drive/root:/r.pdf:/content']);
      assert.deepEqual([...(fake.graph[0]?.call.body as Buffer)], [...bytes]);
      assert.equal(fake.graph[0]?.call.headers?.['Content-Type'], 'application/pdf');
    });
  });

  void it('a local file over 4 MB goes through createUploadSession and the upload URL, in 320 KiB multiples', async () => {
    await withTempDir('gb-files-', async (home) => {
      const size = MAX_SIMPLE_UPLOAD_BYTES + 5 * 1024 * 1024 + 3;
      const bytes = Buffer.alloc(size, 0x61);
      await writeFile(join(home, 'big.bin'), bytes);
      const fx = localFilesFixture({ allowed: [home], homedir: '/nonexistent-home' });
      const fake = fakeContext({
        localFiles: fx.files,
        routes: {
          'POST /me/drive/root:/Data/big.bin:/createUploadSession': { uploadUrl: 'https://up.example.net/s/1' },
        },
      });
      const result = await runTool(
        byName(tools, 'upload_file'),
        { path: 'Data/big.bin', localPath: join(home, 'big.bin') },
        fake.ctx,
      );
      assert.deepEqual(fake.graph[0]?.call.body, {
        item: { '@microsoft.graph.conflictBehavior': 'fail', name: 'big.bin', fileSize: size },
      });
      assert.deepEqual(
        fx.sent.map((r) => [r.method, r.url, r.contentRange]),
        [
          ['PUT', 'https://up.example.net/s/1', `bytes 0-${5 * 1024 * 1024 - 1}/${size}`],
          ['PUT', 'https://up.example.net/s/1', `bytes ${5 * 1024 * 1024}-${size - 1}/${size}`],
        ],
      );
      assert.deepEqual(Buffer.concat(fx.bodies), bytes);
      assert.match(result.text, /Uploaded 9\.0 MB/);
    });
  });

  void it('every refusal before approval reads the same: relative, missing, outside, hidden, key name, no policy', async () => {
    await withTempDir('gb-files-', async (home) => {
      const docs = join(home, 'Documents');
      await mkdir(join(home, '.ssh'), { recursive: true });
      await mkdir(docs);
      await writeFile(join(home, '.ssh', 'id_rsa'), 'key');
      await writeFile(join(docs, 'server.pem'), 'pem');
      await writeFile(join(home, 'outside.txt'), 'x');
      const { files } = localFilesFixture({ allowed: [docs], homedir: home });
      const texts = new Set<string>();
      for (const localPath of [
        'rel/x.bin',
        join(docs, 'missing.txt'),
        join(home, 'outside.txt'),
        join(home, '.ssh', 'id_rsa'),
        join(docs, 'server.pem'),
        join(docs, '..', 'outside.txt'),
      ]) {
        const fake = fakeContext({ localFiles: files });
        await rejectsWithCode(
          runTool(byName(tools, 'upload_file'), { path: 'a.bin', localPath }, fake.ctx).catch((e: Error) => {
            texts.add(e.message);
            throw e;
          }),
          'LOCAL_FILE_REFUSED',
          /allowed for uploads/,
        );
        assert.equal(fake.approvals.length, 0, localPath);
        assert.equal(fake.graph.length, 0, localPath);
      }
      assert.equal(texts.size, 1, [...texts].join('\n'));
      assert.ok([...texts][0]?.includes(`allowed for uploads (${docs})`));
      const none = fakeContext();
      await rejectsWithCode(
        runTool(byName(tools, 'upload_file'), { path: 'a.bin', localPath: join(docs, 'x') }, none.ctx),
        'LOCAL_FILE_REFUSED',
        /none are allowed/,
      );
    });
  });

  void it('refuses text content over 4 MB and bad destinations before asking', async () => {
    const fake = fakeContext();
    await rejectsWithCode(
      runTool(
        byName(tools, 'upload_file'),
        { path: 'a.txt', content: 'x'.repeat(MAX_SIMPLE_UPLOAD_BYTES + 1) },
        fake.ctx,
      ),
      'FILE_TOO_LARGE',
      /at most 4 MB/,
    );
    await rejectsWithCode(
      runTool(byName(tools, 'upload_file'), { path: '../a.txt', content: 'x' }, fake.ctx),
      'INVALID_INPUT',
    );
    await rejectsWithCode(runTool(byName(tools, 'upload_file'), { path: 'a.txt' }, fake.ctx), 'INVALID_INPUT');
    assert.equal(fake.approvals.length, 0);
    assert.equal(fake.graph.length, 0);
  });

  void it('sends nothing when denied', async () => {
    const fake = fakeContext({ deny: true, routes: { 'PUT /me/drive/root:/a.txt:/content': {} } });
    await rejectsWithCode(
      runTool(byName(tools, 'upload_file'), { path: 'a.txt', content: 'x' }, fake.ctx),
      'APPROVAL_DENIED',
    );
    assert.equal(fake.graph.length, 0);
  });
});

void describe('the drive input', () => {
  void it('takes short ids: a site handle → its default library, a library handle → /drives/{id}; another kind is refused', async () => {
    await withTempDir('gb-drive-', async (dir) => {
      const handles = createHandleStore({
        dir,
        ensureDir: () => ensureUserTempDir(dir, undefined),
        log: { warn: () => undefined, debug: () => undefined },
      });
      const siteId = 'contoso.sharepoint.com,5b1f0000-0000-4000-8000-000000000001,6c2f0000-0000-4000-8000-000000000002';
      const driveId = 'b!x7QeM2yJ0UqkF6z3Lr9Jm5dRb0ZcQw1s';
      const [site] = await handles.issue(HANDLE_PREFIX.site, [siteId]);
      const [drive] = await handles.issue(HANDLE_PREFIX.drive, [driveId]);
      const [item] = await handles.issue(HANDLE_PREFIX.driveItem, ['01ABCDEFGHIJKLMNOPQRSTUVWXYZ234567']);
      const fake = fakeContext({
        handles,
        routes: {
          [`GET /sites/${siteId}/drive/root/children`]: { items: [], nextCursor: null },
          [`GET /drives/${driveId}/root/children`]: { items: [], nextCursor: null },
        },
      });
      await runTool(byName(tools, 'list_files'), { drive: site }, fake.ctx);
      await runTool(byName(tools, 'list_files'), { drive: drive }, fake.ctx);
      assert.deepEqual(
        fake.graph.map((g) => g.call.pathTemplate),
        ['/sites/{id}/drive/root/children', '/drives/{id}/root/children'],
      );
      await rejectsWithCode(
        runTool(byName(tools, 'list_files'), { drive: item }, fake.ctx),
        'INVALID_INPUT',
        /is a file or folder id, but a document library id is needed here\. Use an id from search_sites/,
      );
    });
  });

  void it('upload_file to a library: the approval names the library and its URL; Files.ReadWrite.All', async () => {
    const fake = fakeContext({
      routes: {
        'GET /drives/b!lib': {
          name: 'Documents',
          webUrl: 'https://contoso.sharepoint.com/sites/Marketing/Shared Documents',
        },
        'PUT /drives/b!lib/root:/Campaigns/plan.md:/content': {
          id: 'new-1',
          name: 'plan.md',
          parentReference: { path: '/drives/b!lib/root:/Campaigns' },
        },
      },
    });
    const r = await runTool(
      byName(tools, 'upload_file'),
      { path: 'Campaigns/plan.md', content: '# Plan', drive: 'b!lib' },
      fake.ctx,
    );
    assert.match(
      fake.approvals[0]?.summary ?? '',
      /to SharePoint library "Documents" \(https:\/\/contoso\.sharepoint\.com\/sites\/Marketing\/Shared Documents\) "Campaigns\/plan\.md"/,
    );
    assert.equal(fake.graph[1]?.call.pathTemplate, '/drives/{id}/root:{path}:/content');
    assert.ok(fake.graph.every((g) => g.call.scopes.join() === 'Files.ReadWrite.All'));
    assert.match(r.text, /Uploaded 6 bytes to Campaigns\/plan\.md in SharePoint library "Documents"/);
  });
});
