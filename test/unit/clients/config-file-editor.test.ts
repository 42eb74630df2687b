/** Error mapping and the "file changed under us" path, with a fake file system at the OS edge. */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { connectEditor } from '../../../app/clients/connections.ts';
import { nodeConfigFs, type ConfigFs } from '../../../app/clients/fs/config-fs.ts';
import { editorLocation } from '../../../app/platform/editor-paths.ts';
import { listBackups, listLeftovers, tempHome, testContext } from './helpers.ts';

function failing(code: string, op: keyof ConfigFs): ConfigFs {
  const err = Object.assign(new Error(`${code}: simulated`), { code });
  return { ...nodeConfigFs, [op]: () => Promise.reject(err) };
}

const ORIGINAL = '{\n  "mcpServers": {}\n}\n';

for (const [code, op] of [
  ['EACCES', 'rename'],
  ['EPERM', 'rename'],
  ['EROFS', 'open'],
  ['EACCES', 'mkdir'],
] as const) {
  void test(`${code} from ${op} → PERMISSION_DENIED, file and folder left as they were`, async () => {
    const { home, cleanup } = await tempHome();
    try {
      const ctx = testContext(home, { fs: failing(code, op) });
      const file = editorLocation('cursor', ctx.paths).configPath;
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, ORIGINAL);
      const r = await connectEditor(ctx, 'cursor', {});
      assert.ok(!r.ok);
      assert.equal(r.error.code, 'PERMISSION_DENIED');
      assert.match(r.error.message, new RegExp(`permission denied \\(${code}\\)`));
      assert.ok(r.error.message.includes(file));
      assert.match(r.error.message, /graph-bridge connect --print cursor/);
      assert.equal(await readFile(file, 'utf8'), ORIGINAL);
      assert.deepEqual(await listBackups(file), [], 'backup of a failed change is removed');
      assert.deepEqual(await listLeftovers(dirname(file)), []);
    } finally {
      await cleanup();
    }
  });
}

void test('ENOSPC while writing → IO_ERROR saying the disk is full, no temp file left', async () => {
  const { home, cleanup } = await tempHome();
  try {
    const real = nodeConfigFs;
    const fs: ConfigFs = {
      ...real,
      open: (async (path: string, flags: string, mode?: number) => {
        const h = await real.open(path, flags, mode);
        if (String(path).endsWith('.tmp')) {
          return Object.assign(Object.create(h) as object, {
            writeFile: () => Promise.reject(Object.assign(new Error('no space'), { code: 'ENOSPC' })),
            close: () => h.close(),
          });
        }
        return h;
      }) as ConfigFs['open'],
    };
    const ctx = testContext(home, { fs });
    const file = editorLocation('cursor', ctx.paths).configPath;
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, ORIGINAL);
    const r = await connectEditor(ctx, 'cursor', {});
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'IO_ERROR');
    assert.match(r.error.message, /disk is full/);
    assert.equal(await readFile(file, 'utf8'), ORIGINAL);
    assert.deepEqual(await listLeftovers(dirname(file)), []);
  } finally {
    await cleanup();
  }
});

void test('a file changed by someone else between read and write is re-read, and their change kept', async () => {
  const { home, cleanup } = await tempHome();
  try {
    let file = '';
    let changed = false;
    const ctx = testContext(home, {
      afterRead: async () => {
        if (changed) return;
        changed = true; // the editor saves the file while we work
        await writeFile(file, '{\n  "mcpServers": {\n    "theirs": {"command": "x"}\n  }\n}\n');
      },
    });
    file = editorLocation('cursor', ctx.paths).configPath;
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, ORIGINAL);
    const r = await connectEditor(ctx, 'cursor', {});
    assert.ok(r.ok && r.value.changed);
    const text = await readFile(file, 'utf8');
    assert.match(text, /"theirs"/);
    assert.match(text, /"graph-bridge"/);
    const backups = await listBackups(file);
    assert.equal(backups.length, 1, 'only the backup of the version we changed remains');
    assert.match(await readFile(backups[0] as string, 'utf8'), /"theirs"/);
  } finally {
    await cleanup();
  }
});

void test('a symlinked config (dotfiles) is edited through the link; the link stays a link', async () => {
  const { home, cleanup } = await tempHome();
  try {
    const { symlink, lstat } = await import('node:fs/promises');
    const ctx = testContext(home);
    const file = editorLocation('zed', ctx.paths).configPath;
    await mkdir(dirname(file), { recursive: true });
    await mkdir(`${home}/dotfiles`);
    await writeFile(`${home}/dotfiles/zed.json`, '{}');
    await symlink(`${home}/dotfiles/zed.json`, file);
    const r = await connectEditor(ctx, 'zed', {});
    assert.ok(r.ok && r.value.changed);
    assert.ok((await lstat(file)).isSymbolicLink());
    assert.match(await readFile(`${home}/dotfiles/zed.json`, 'utf8'), /context_servers/);
    assert.equal((await readdir(`${home}/dotfiles`)).filter((n) => n.includes('backup')).length, 1);
  } finally {
    await cleanup();
  }
});

void test('keeps only the newest 5 backups', async () => {
  const { home, cleanup } = await tempHome();
  try {
    const ctx = testContext(home);
    const file = editorLocation('windsurf', ctx.paths).configPath;
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, '{}');
    for (let i = 0; i < 7; i++) {
      const r = await connectEditor(ctx, 'windsurf', { toolGroups: i % 2 === 0 ? ['mail'] : ['files'] });
      assert.ok(r.ok && r.value.changed);
    }
    assert.equal((await listBackups(file)).length, 5);
  } finally {
    await cleanup();
  }
});

void test('a UTF-16 file is refused, not mangled', async () => {
  const { home, cleanup } = await tempHome();
  try {
    const ctx = testContext(home);
    const file = editorLocation('vscode', ctx.paths).configPath;
    await mkdir(dirname(file), { recursive: true });
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{}', 'utf16le')]);
    await writeFile(file, bytes);
    const r = await connectEditor(ctx, 'vscode', {});
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'CONFIG_INVALID');
    assert.match(r.error.message, /not UTF-8/);
    assert.deepEqual(await readFile(file), bytes);
  } finally {
    await cleanup();
  }
});
