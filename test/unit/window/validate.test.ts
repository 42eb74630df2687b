import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formFieldForKey, validateSettingsForm } from '../../../app/window/validate.ts';

const good = {
  clientId: '14d82eec-204b-4c2f-b7e8-296a70dab67e',
  tenant: 'organizations',
  cloud: 'global' as const,
  useBroker: false,
  toolGroups: ['mail' as const],
  readOnly: false,
  writeApproval: 'ask' as const,
  clientApproval: 'ask' as const,
};

test('a valid form has no issues', () => {
  assert.deepEqual(validateSettingsForm(good), {});
});

test('bad client ID, empty tenant and no tool group each get a message that says what to enter', () => {
  const issues = validateSettingsForm({ ...good, clientId: 'my-app', tenant: '  ', toolGroups: [] });
  assert.deepEqual(Object.keys(issues).sort(), ['clientId', 'tenant', 'toolGroups']);
  assert.match(issues.clientId ?? '', /Application \(client\) ID/);
  assert.match(issues.tenant ?? '', /organizations/);
});

test("main's settings keys map onto form fields", () => {
  assert.equal(formFieldForKey('approvalPolicy.writes.default'), 'writeApproval');
  assert.equal(formFieldForKey('approvalPolicy.clients'), 'clientApproval');
  assert.equal(formFieldForKey('toolGroups.2'), 'toolGroups');
  assert.equal(formFieldForKey('tenant'), 'tenant');
  assert.equal(formFieldForKey('extraCaFile'), null);
});
