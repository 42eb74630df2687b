import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it, test } from 'node:test';
import { ensureUserTempDir } from '../../../../bridge/downloads.ts';
import { createCursorCodec, decodeCursor, encodeCursor } from '../../../../bridge/graph/cursor.ts';
import { createHandleStore } from '../../../../bridge/handles/handle-store.ts';
import { withTempDir } from '../../../helpers/temp-dir.ts';

const quiet = { warn: () => undefined, debug: () => undefined };

const BASE = 'https://graph.microsoft.com/';

test('round-trips a nextLink on the same origin', () => {
  const link = 'https://graph.microsoft.com/v1.0/me/messages?$top=10&$skip=10';
  const cursor = encodeCursor(link);
  assert.match(cursor, /^gb1\.[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeCursor(cursor, BASE), { ok: true, url: link });
});

test('works for a local base with a port', () => {
  const link = 'https://localhost:8445/v1.0/users?$skiptoken=abc';
  assert.deepEqual(decodeCursor(encodeCursor(link), 'https://localhost:8445/'), { ok: true, url: link });
});

test('refuses cursors that point elsewhere or are not ours', () => {
  const cases = [
    encodeCursor('https://evil.example/v1.0/me'),
    encodeCursor('http://graph.microsoft.com/v1.0/me'),
    encodeCursor('https://graph.microsoft.com:444/v1.0/me'),
    encodeCursor('https://user:pw@graph.microsoft.com/v1.0/me'),
    encodeCursor('https://graph.microsoft.com/_emulator/reset'),
    encodeCursor('not a url'),
    'https://graph.microsoft.com/v1.0/me',
    'gb1.!!!',
  ];
  for (const c of cases) {
    const r = decodeCursor(c, BASE);
    assert.equal(r.ok, false, c);
    assert.match(!r.ok ? r.message : '', /cursor is not valid/);
  }
});

void describe('createCursorCodec with a handle store', () => {
  void it('gives a short handle that a new store resolves, and still validates the link it stands for', async () => {
    await withTempDir('gb-cursor-', async (tmp) => {
      const dir = join(tmp, 'handles');
      const open = () => createHandleStore({ dir, ensureDir: () => ensureUserTempDir(dir, undefined), log: quiet });
      const link = 'https://graph.microsoft.com/v1.0/me/messages?$top=10&$skiptoken=abcdefghijklmnopqrstuvwxyz';
      const cursor = await createCursorCodec(open()).encode(link);
      assert.match(cursor, /^p[0-9a-z]{8}$/);
      const later = createCursorCodec(open());
      assert.deepEqual(await later.decode(cursor, BASE), { ok: true, url: link });
      // The same handle on another Graph origin (the settings changed) is refused, not followed.
      const moved = await later.decode(cursor, 'https://graph.microsoft.us/');
      assert.equal(moved.ok, false);
      assert.match(!moved.ok ? moved.message : '', /points outside Microsoft Graph/);
      // Self-contained cursors from before keep working.
      assert.deepEqual(await later.decode(encodeCursor(link), BASE), { ok: true, url: link });
    });
  });

  void it('an unknown cursor handle says to start again without a cursor', async () => {
    await withTempDir('gb-cursor-', async (tmp) => {
      const dir = join(tmp, 'handles');
      const store = createHandleStore({ dir, ensureDir: () => ensureUserTempDir(dir, undefined), log: quiet });
      const r = await createCursorCodec(store).decode('p00000000', BASE);
      assert.equal(r.ok, false);
      assert.match(!r.ok ? r.message : '', /cursor "p00000000" is no longer known .*without a cursor/);
      const other = await createCursorCodec(store).decode('m00000000', BASE);
      assert.match(!other.ok ? other.message : '', /cursor is not valid \(unknown format\)/);
    });
  });

  void it('without a store (or when it cannot be written) cursors are self-contained', async () => {
    const link = 'https://graph.microsoft.com/v1.0/me/messages?$skip=10';
    assert.equal(await createCursorCodec(undefined).encode(link), encodeCursor(link));
    const broken = {
      issue: async (_p: string, v: readonly string[]) => [...v],
      lookup: async () => ({ status: 'unknown' as const }),
    };
    assert.equal(await createCursorCodec(broken).encode(link), encodeCursor(link));
  });
});
