import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createFileTools } from '../../../../bridge/tools/files.ts';
import { ToolError } from '../../../../bridge/tools/tool.ts';
import { byName, fakeContext, rejectsWithCode, runTool, type RouteValue } from './shared/fake-context.ts';

const manage = byName(createFileTools(), 'manage_file');

const FILE = {
  id: 'file-1',
  name: 'notes.md',
  size: 12,
  file: { mimeType: 'text/markdown' },
  parentReference: { path: '/drive/root:/Notes', driveId: 'b!me' },
};
const ARCHIVE = {
  id: 'arch-1',
  name: 'Archive',
  folder: { childCount: 0 },
  parentReference: { driveId: 'b!me', path: '/drive/root:' },
};

function notFound(): never {
  throw new ToolError('GRAPH_NOT_FOUND', 'Not found');
}

function routes(extra: Record<string, RouteValue>): Record<string, RouteValue> {
  return { 'GET /me/drive/root:/Notes/notes.md': FILE, ...extra };
}

void describe('manage_file', () => {
  void it('rename: the approval names the file, its new name and the drive; PATCH name with conflictBehavior fail', async () => {
    const fake = fakeContext({
      routes: routes({ 'PATCH /me/drive/items/file-1': { ...FILE, name: 'old-notes.md' } }),
    });
    const r = await runTool(manage, { action: 'rename', path: 'Notes/notes.md', name: 'old-notes.md' }, fake.ctx);
    assert.equal(fake.approvals[0]?.summary, 'Rename file "Notes/notes.md" to "Notes/old-notes.md" in OneDrive');
    assert.equal(fake.approvals[0]?.details?.Action, 'rename');
    const patch = fake.graph[1]?.call;
    assert.deepEqual(patch?.body, { name: 'old-notes.md' });
    assert.deepEqual(patch?.query, { '@microsoft.graph.conflictBehavior': 'fail' });
    assert.deepEqual(patch?.scopes, ['Files.ReadWrite']);
    assert.match(r.text, /Renamed file "Notes\/notes\.md" → Notes\/old-notes\.md/);
  });

  void it('move: resolves the destination folder first; a name clash (409) is told as such', async () => {
    const fake = fakeContext({
      routes: routes({
        'GET /me/drive/root:/Archive:': ARCHIVE,
        'PATCH /me/drive/items/file-1': () => {
          throw new ToolError('GRAPH_CONFLICT', 'conflict');
        },
      }),
    });
    await rejectsWithCode(
      runTool(manage, { action: 'move', path: 'Notes/notes.md', to: 'Archive' }, fake.ctx),
      'NAME_EXISTS',
      /already exists in 'Archive'; nothing was changed/,
    );
    assert.equal(fake.approvals[0]?.summary, 'Move file "Notes/notes.md" to "Archive/notes.md" in OneDrive');
    assert.deepEqual(fake.graph[2]?.call.body, { parentReference: { id: 'arch-1' } });
  });

  void it('copy: checks the target is free, copies (202), then reports the copy when it is there — or that it is still running', async () => {
    let copied = false;
    const fake = fakeContext({
      routes: routes({
        'GET /me/drive/root:/Archive:': ARCHIVE,
        'GET /me/drive/root:/Archive/notes.md:': () => (copied ? { ...FILE, id: 'copy-1' } : notFound()),
        'POST /me/drive/items/file-1/copy': () => {
          copied = true;
          return undefined;
        },
      }),
    });
    const r = await runTool(manage, { action: 'copy', path: 'Notes/notes.md', to: 'Archive' }, fake.ctx);
    assert.deepEqual(fake.graph.find((g) => g.call.method === 'POST')?.call.body, {
      parentReference: { driveId: 'b!me', id: 'arch-1' },
      name: 'notes.md',
    });
    assert.match(r.text, /^Copied file "Notes\/notes\.md" → Archive\/notes\.md \[copy-1\]$/);

    const later = fakeContext({
      routes: routes({
        'GET /me/drive/root:/Archive:': ARCHIVE,
        'GET /me/drive/root:/Archive/notes.md:': notFound,
        'POST /me/drive/items/file-1/copy': undefined,
      }),
    });
    const pending = await runTool(manage, { action: 'copy', path: 'Notes/notes.md', to: 'Archive' }, later.ctx);
    assert.match(pending.text, /accepted and runs in the background; it is not there yet/);

    const taken = fakeContext({
      routes: routes({
        'GET /me/drive/root:/Notes:': { ...ARCHIVE, id: 'notes-dir' },
        'GET /me/drive/root:/Notes/notes.md:': FILE,
      }),
    });
    await rejectsWithCode(runTool(manage, { action: 'copy', path: 'Notes/notes.md' }, taken.ctx), 'NAME_EXISTS');
    assert.equal(taken.approvals.length, 0);
  });

  void it('delete and share: approvals say recycle bin / who can use the link; share returns the URL', async () => {
    const fake = fakeContext({
      routes: routes({
        'DELETE /me/drive/items/file-1': undefined,
        'POST /me/drive/items/file-1/createLink': {
          id: 'p',
          link: { webUrl: 'https://contoso-my.sharepoint.com/:u:/g/Eabc' },
        },
      }),
    });
    const del = await runTool(manage, { action: 'delete', path: 'Notes/notes.md' }, fake.ctx);
    assert.equal(fake.approvals[0]?.summary, 'Delete file "Notes/notes.md" from OneDrive (it goes to the recycle bin)');
    assert.match(del.text, /recycle bin/);
    const link = await runTool(
      manage,
      { action: 'share', path: 'Notes/notes.md', link: 'edit', scope: 'anonymous' },
      fake.ctx,
    );
    assert.match(fake.approvals[1]?.summary ?? '', /lets ANYONE who has the link, without signing in edit it/);
    assert.deepEqual(fake.graph.at(-1)?.call.body, { type: 'edit', scope: 'anonymous' });
    assert.match(link.text, /https:\/\/contoso-my\.sharepoint\.com\/:u:\/g\/Eabc$/);
  });

  void it('each write action denied: only the reads reach Graph', async () => {
    for (const input of [
      { action: 'rename', name: 'x.md' },
      { action: 'move', to: 'Archive' },
      { action: 'copy', to: 'Archive' },
      { action: 'delete' },
      { action: 'share' },
    ]) {
      const fake = fakeContext({
        deny: true,
        routes: routes({ 'GET /me/drive/root:/Archive:': ARCHIVE, 'GET /me/drive/root:/Archive/notes.md:': notFound }),
      });
      await rejectsWithCode(runTool(manage, { path: 'Notes/notes.md', ...input }, fake.ctx), 'APPROVAL_DENIED');
      assert.ok(
        fake.graph.every((g) => g.call.method === 'GET'),
        input.action,
      );
    }
  });

  void it('a SharePoint library: the approval names the library and its URL; Files.ReadWrite.All', async () => {
    const fake = fakeContext({
      routes: {
        'GET /drives/b!lib': {
          name: 'Documents',
          webUrl: 'https://contoso.sharepoint.com/sites/Marketing/Shared Documents',
        },
        'GET /drives/b!lib/items/file-9': {
          ...FILE,
          id: 'file-9',
          parentReference: { path: '/drives/b!lib/root:/Campaigns' },
        },
        'DELETE /drives/b!lib/items/file-9': undefined,
      },
    });
    await runTool(manage, { action: 'delete', itemId: 'file-9', drive: 'b!lib' }, fake.ctx);
    assert.equal(
      fake.approvals[0]?.summary,
      'Delete file "Campaigns/notes.md" from SharePoint library "Documents" (https://contoso.sharepoint.com/sites/Marketing/Shared Documents) (it goes to the recycle bin)',
    );
    assert.ok(fake.graph.every((g) => g.call.scopes.join() === 'Files.ReadWrite.All'));
  });

  void it('refuses names with separators or control characters before anything is asked', async () => {
    for (const name of ['a/b.md', '..', 'x\ny.md', 'a:b', ' ']) {
      const fake = fakeContext({ routes: routes({}) });
      await rejectsWithCode(
        runTool(manage, { action: 'rename', path: 'Notes/notes.md', name }, fake.ctx),
        'INVALID_INPUT',
      );
      assert.equal(fake.approvals.length, 0);
    }
    const fake = fakeContext({ routes: routes({}) });
    await rejectsWithCode(
      runTool(manage, { action: 'move', path: 'Notes/notes.md' }, fake.ctx),
      'INVALID_INPUT',
      /needs to/,
    );
  });
});
