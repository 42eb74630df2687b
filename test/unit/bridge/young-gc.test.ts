import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { youngGc } from '../../../bridge/young-gc.ts';

test('youngGc runs a minor collection and leaves no gc behind (not global, not in new contexts)', () => {
  const collect = youngGc();
  assert.equal(typeof collect, 'function');
  collect?.();
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
  assert.equal(runInNewContext('typeof gc'), 'undefined', '--expose-gc is off again');
});
