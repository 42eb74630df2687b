import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  createEditorCredentials,
  EditorCredentialError,
  hashEditorKey,
} from '../../../../app/broker/approvals/editor-credentials.ts';
import { withTempDir } from '../../../helpers/temp-dir.ts';

void test('ensure mints a 256-bit key, stores only its hash (0600), and keeps a registered key on the next connect', () =>
  withTempDir('gb-keys-', async (dir) => {
    const filePath = join(dir, 'state', 'editor-keys.json');
    const c = createEditorCredentials({ filePath });
    const first = await c.ensure('cursor');
    assert.equal(first.minted, true);
    assert.match(first.key, /^[0-9a-f]{64}$/);
    const text = await readFile(filePath, 'utf8');
    assert.ok(!text.includes(first.key));
    assert.ok(text.includes(hashEditorKey(first.key)));
    assert.equal((await stat(filePath)).mode & 0o777, 0o600);
    assert.deepEqual(await c.ensure('cursor', first.key), { key: first.key, minted: false });
    assert.deepEqual(c.identify(first.key), { editor: 'cursor', hash: hashEditorKey(first.key) });

    const other = await c.ensure('zed');
    assert.notEqual(other.key, first.key);
    assert.equal(c.identify(other.key)?.editor, 'zed');
    assert.equal(c.identify(first.key)?.editor, 'cursor');
  }));

void test('a key of another editor, an unknown key or a malformed one identifies nobody; revoke forgets it', () =>
  withTempDir('gb-keys-', async (dir) => {
    const c = createEditorCredentials({ filePath: join(dir, 'editor-keys.json') });
    const cursor = await c.ensure('cursor');
    assert.equal((await c.ensure('zed', cursor.key)).minted, true, "cursor's key is not zed's");
    assert.equal(c.identify('0'.repeat(64)), null);
    assert.equal(c.identify(`${cursor.key}\n`), null);
    assert.equal(c.identify(cursor.key.toUpperCase()), null);
    assert.equal(await c.revoke('cursor'), true);
    assert.equal(await c.revoke('cursor'), false);
    assert.equal(c.identify(cursor.key), null);
  }));

void test('a damaged editor-keys.json identifies nobody and is rewritten by the next connect', () =>
  withTempDir('gb-keys-', async (dir) => {
    const filePath = join(dir, 'editor-keys.json');
    await writeFile(filePath, '{"version":1,"editors":{"cursor":{"hash":"nope"}}}');
    const c = createEditorCredentials({ filePath });
    assert.equal(c.identify('a'.repeat(64)), null);
    const { key } = await c.ensure('cursor');
    assert.equal(c.identify(key)?.editor, 'cursor');
  }));

void test('editor ids are validated (no path tricks or control characters)', () =>
  withTempDir('gb-keys-', async (dir) => {
    const c = createEditorCredentials({ filePath: join(dir, 'editor-keys.json') });
    for (const bad of ['../x', 'Cursor', 'a\nb', '', '__proto__']) {
      await assert.rejects(c.ensure(bad), `"${bad}" must be refused`);
    }
    const ctor = await c.ensure('constructor');
    assert.equal(
      c.identify(ctor.key)?.editor,
      'constructor',
      'an id that names an Object.prototype member is just an id',
    );
  }));

void test('a lock held by a live process refuses the change with who holds it and what to do; nothing is written', () =>
  withTempDir('gb-keys-', async (dir) => {
    const filePath = join(dir, 'editor-keys.json');
    await writeFile(`${filePath}.lock`, JSON.stringify({ pid: 4242, host: hostname(), createdAt: 'x' }));
    const start = Date.now();
    let calls = 0;
    // The first reading sets the lock's deadline; every later one is at that deadline.
    const now = () => new Date(start + (calls++ === 0 ? 0 : 10_000));
    const c = createEditorCredentials({ filePath, now, isProcessAlive: () => true });
    const expected =
      `${filePath} is being changed by process 4242 on ${hostname()} (lock file ${filePath}.lock). Wait for it to ` +
      'finish and try again; if no Graph Bridge command is running, delete the lock file.';
    await assert.rejects(
      c.ensure('cursor'),
      (e: unknown) => e instanceof EditorCredentialError && e.message === expected,
    );
    await assert.rejects(access(filePath), 'nothing was written');
  }));

void test('revoke of an unknown editor writes nothing; hashes lists every editor', () =>
  withTempDir('gb-keys-', async (dir) => {
    const filePath = join(dir, 'editor-keys.json');
    const c = createEditorCredentials({ filePath });
    assert.deepEqual(await c.hashes(), {});
    assert.equal(await c.revoke('cursor'), false);
    await assert.rejects(access(filePath), 'no file was created');
    const cursor = await c.ensure('cursor');
    const zed = await c.ensure('zed');
    assert.deepEqual(await c.hashes(), { cursor: hashEditorKey(cursor.key), zed: hashEditorKey(zed.key) });
  }));

void test('an unreadable editor-keys.json identifies nobody and lists no hashes; ensure reports the error', () =>
  withTempDir('gb-keys-', async (dir) => {
    const filePath = join(dir, 'editor-keys.json');
    await mkdir(filePath);
    const c = createEditorCredentials({ filePath });
    assert.equal(c.identify('a'.repeat(64)), null);
    assert.deepEqual(await c.hashes(), {});
    await assert.rejects(c.ensure('cursor'), (e: unknown) => (e as NodeJS.ErrnoException).code === 'EISDIR');
  }));
