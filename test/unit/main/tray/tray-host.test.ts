import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrokerCore } from '../../../../app/broker/broker.ts';
import type { BrokerStatus } from '../../../../app/shared/bridge-contract.ts';
import { createSwitchableBroker } from '../../../../app/main/tray/tray-host.ts';
import { signedIn, status as signedOut } from '../status-fixture.ts';

/** A broker core fake: status, listeners and pause, as the facade sees them. */
function fakeCore(name: string, initial: BrokerStatus) {
  let status = initial;
  const listeners = new Set<(s: BrokerStatus) => void>();
  const core = {
    name,
    status: () => status,
    onStatusChanged(l: (s: BrokerStatus) => void) {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    setPaused(paused: boolean) {
      status = { ...status, paused };
      for (const l of listeners) l(status);
    },
    auditLogPath: () => `/state/${name}/audit.jsonl`,
    get endpoint() {
      return { dir: `/run/${name}`, path: `/run/${name}/broker.sock`, keyPath: `/run/${name}/broker.key` };
    },
  };
  return { core: core as unknown as BrokerCore, listeners };
}

test('switchable broker: forwards to the current core; listeners survive a swap and hear the new core', () => {
  const a = fakeCore('a', signedOut());
  const b = fakeCore('b', signedIn());
  const switchable = createSwitchableBroker(a.core);
  const { broker } = switchable;
  const heard: (string | null)[] = [];
  const off = broker.onStatusChanged((s) => heard.push(s.account?.username ?? null));

  broker.setPaused(true);
  assert.equal(broker.status().paused, true);
  assert.equal(broker.auditLogPath(), '/state/a/audit.jsonl');
  assert.equal(broker.endpoint.dir, '/run/a');

  switchable.swap(b.core);
  assert.equal(a.listeners.size, 0, 'the old core is no longer listened to');
  assert.equal(broker.endpoint.dir, '/run/b');
  assert.equal(broker.auditLogPath(), '/state/b/audit.jsonl');
  const user = signedIn().account?.username ?? '';
  assert.deepEqual(heard, [null, user], 'the swap itself announces the new status');
  a.core.setPaused(false); // the old core changing is not heard any more
  b.core.setPaused(true);
  assert.deepEqual(heard, [null, user, user]);
  off();
  b.core.setPaused(false);
  assert.equal(heard.length, 3);
});
