import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStatusReactor, newWriteApprovals } from '../../../../app/main/tray/status-reactor.ts';
import type { BrokerStatus } from '../../../../app/shared/bridge-contract.ts';
import { signedIn, writeApproval } from '../status-fixture.ts';

function recorder() {
  const calls: string[] = [];
  const reactor = createStatusReactor({
    updateTray: (s: BrokerStatus) => calls.push(`tray:${s.pendingApprovals.length}`),
    sendToWindow: (s: BrokerStatus) => calls.push(`window:${s.pendingApprovals.length}`),
    notify: (n) => calls.push(`notify:${n.id}`),
    showWindow: (reason) => calls.push(`show:${reason}`),
  });
  return { calls, reactor };
}

test('a new write approval updates tray and window, notifies and brings the prompt forward once', () => {
  const { calls, reactor } = recorder();
  reactor.handle(signedIn());
  assert.deepEqual(calls.splice(0), ['tray:0', 'window:0']);
  const one = signedIn({ pendingApprovals: [writeApproval('w1')] });
  reactor.handle(one);
  assert.deepEqual(calls.splice(0), ['tray:1', 'window:1', 'notify:write:w1', 'show:write-approval']);
  reactor.handle(one);
  assert.deepEqual(calls.splice(0), ['tray:1', 'window:1']);
});

test('an approval that is answered or times out disappears without a new prompt', () => {
  const { calls, reactor } = recorder();
  reactor.handle(signedIn({ pendingApprovals: [writeApproval('w1')] }));
  calls.splice(0);
  reactor.handle(signedIn());
  assert.deepEqual(calls, ['tray:0', 'window:0']);
  assert.deepEqual(newWriteApprovals(signedIn({ pendingApprovals: [writeApproval('w1')] }), signedIn()), []);
});
