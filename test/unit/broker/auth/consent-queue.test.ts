import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConsentQueue } from '../../../../app/broker/auth/consent-queue.ts';

function queue(limit?: number) {
  let n = 0;
  return createConsentQueue({ now: () => 0, newId: () => `c${++n}`, ...(limit === undefined ? {} : { limit }) });
}

void test('deduplicates by scope set and drops items once all their scopes are granted', () => {
  const q = queue();
  assert.equal(q.record(['Mail.Send', 'Mail.ReadWrite'], 'cursor').added, true);
  assert.equal(q.record(['mail.readwrite', ' MAIL.SEND ', 'Mail.Send'], 'zed').added, false);
  q.record(['Files.Read'], 'zed');
  assert.deepEqual(
    q.list().map((i) => [i.id, i.requestedBy, i.scopes]),
    [
      ['c1', 'cursor', ['Mail.ReadWrite', 'Mail.Send']],
      ['c2', 'zed', ['Files.Read']],
    ],
  );
  assert.equal(q.resolve(['Mail.Send']), false, 'partially granted stays');
  assert.equal(q.list().length, 2);
  assert.equal(q.resolve(['mail.send', 'Mail.ReadWrite']), true);
  assert.deepEqual(
    q.list().map((i) => i.id),
    ['c2'],
  );
  assert.equal(q.dismiss('c2'), true);
  assert.equal(q.dismiss('c2'), false);
  assert.deepEqual(q.list(), []);
});

void test('a bridge asking for ever new scope sets cannot grow the queue past its limit (oldest dropped)', () => {
  const q = queue(3);
  for (let i = 0; i < 1000; i++) q.record([`Scope.${i}`], 'bridge');
  assert.deepEqual(
    q.list().map((i) => i.scopes[0]),
    ['Scope.997', 'Scope.998', 'Scope.999'],
  );
  const unbounded = queue();
  for (let i = 0; i < 1000; i++) unbounded.record([`Scope.${i}`], 'bridge');
  assert.equal(unbounded.list().length, 50);
});
