import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConsentQueue } from '../../../../app/broker/consent/consent-queue.ts';

void test('deduplicates by scope set and drops items once all their scopes are granted', () => {
  let n = 0;
  let changes = 0;
  const q = createConsentQueue({ now: () => new Date(0), newId: () => `c${++n}`, onChange: () => changes++ });
  q.add(['Mail.Send', 'Mail.ReadWrite'], 'cursor');
  q.add(['mail.readwrite', 'MAIL.SEND'], 'zed');
  q.add(['Files.Read'], 'zed');
  assert.deepEqual(
    q.list().map((i) => [i.id, i.requestedBy]),
    [
      ['c1', 'cursor'],
      ['c2', 'zed'],
    ],
  );
  q.resolveGranted(['Mail.Send']);
  assert.equal(q.list().length, 2, 'partially granted stays');
  q.resolveGranted(['Mail.Send', 'Mail.ReadWrite']);
  assert.deepEqual(
    q.list().map((i) => i.id),
    ['c2'],
  );
  assert.equal(changes, 3);
});
