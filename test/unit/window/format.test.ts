import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheTone, distinct, formatAgo, formatCountdown, secondsUntil } from '../../../app/window/format.ts';

const NOW = Date.parse('2025-01-01T10:00:00.000Z');

test('countdown to an ISO time, never negative', () => {
  assert.equal(secondsUntil('2025-01-01T10:02:00.000Z', NOW), 120);
  assert.equal(secondsUntil('2025-01-01T09:00:00.000Z', NOW), 0);
  assert.deepEqual([3725, 245, 12, 0].map(formatCountdown), ['1 h 02 min', '4 min 05 s', '12 s', 'expired']);
});

test('relative past times', () => {
  assert.equal(formatAgo(null, NOW), 'never');
  assert.equal(formatAgo('2025-01-01T09:59:50.000Z', NOW), 'just now');
  assert.equal(formatAgo('2025-01-01T09:55:00.000Z', NOW), '5 min ago');
  assert.equal(formatAgo('2025-01-01T07:00:00.000Z', NOW), '3 h ago');
  assert.equal(formatAgo('2024-12-29T10:00:00.000Z', NOW), '3 days ago');
});

test('cache tone: keychain ok, memory a warning, plaintext danger', () => {
  assert.deepEqual((['keychain', 'memory', 'plaintext'] as const).map(cacheTone), ['ok', 'warning', 'danger']);
});

test('distinct values for filters are unique and sorted', () => {
  assert.deepEqual(
    distinct([{ t: 'b' }, { t: 'a' }, { t: 'b' }], (x) => x.t),
    ['a', 'b'],
  );
});
