import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCursor, encodeCursor } from '../../../../bridge/graph/cursor.ts';

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
