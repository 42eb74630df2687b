import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refuseScopes } from '../../../../app/broker/ipc/session-policy.ts';
import type { ToolGroup } from '../../../../app/shared/tool-groups.ts';

const cfg = (toolGroups: ToolGroup[], readOnly = false) => ({ toolGroups, readOnly, api: null });
const code = (r: ReturnType<typeof refuseScopes>): string | null => (r === null ? null : r.ok ? 'ok' : r.error.code);

void test('on-demand scopes are issued while their group is on; write ones not in read-only mode', () => {
  assert.equal(code(refuseScopes(['Mail.Read.Shared'], cfg(['mail']))), null);
  assert.equal(code(refuseScopes(['Mail.Send.Shared'], cfg(['mail']))), null);
  assert.equal(code(refuseScopes(['Mail.Read.Shared'], cfg(['mail'], true))), null);
  assert.equal(code(refuseScopes(['mail.send.shared'], cfg(['mail'], true))), 'READ_ONLY');
  assert.equal(code(refuseScopes(['Mail.Read.Shared'], cfg(['profile']))), 'GROUP_DISABLED');
  // Not a free-form graph_request scope either while mail is off: its owner decides.
  assert.equal(code(refuseScopes(['Mail.Read.Shared'], cfg(['graph']))), 'GROUP_DISABLED');
});
