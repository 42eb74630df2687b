import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settingsLoosening } from '../../../../app/broker/admin/settings-loosening.ts';
import { settingsSchema, type Settings } from '../../../../app/broker/settings/settings-schema.ts';

const base = settingsSchema.parse({
  toolGroups: ['mail', 'calendar'],
  readOnly: true,
  approvalPolicy: { clients: 'ask', writes: { default: 'ask', tools: { send_mail: 'deny' } } },
});
const withChange = (patch: Partial<Settings>): Settings => ({ ...base, ...patch });
const writes = (w: Settings['approvalPolicy']['writes']): Settings =>
  withChange({ approvalPolicy: { ...base.approvalPolicy, writes: w } });

void test('tightening changes loosen nothing', () => {
  assert.deepEqual(settingsLoosening(base, withChange({ toolGroups: ['mail'] })), []);
  assert.deepEqual(settingsLoosening(withChange({ readOnly: false }), base), []);
  assert.deepEqual(settingsLoosening(base, writes({ default: 'deny', tools: { send_mail: 'deny' } })), []);
  assert.deepEqual(settingsLoosening(withChange({ allowPlaintextCache: true }), base), []);
  assert.deepEqual(settingsLoosening(base, base), []);
});

void test('read-only off, a group enabled, a policy towards allow, plaintext on and token-routing keys all loosen', () => {
  assert.deepEqual(settingsLoosening(base, withChange({ readOnly: false })), ['read-only off']);
  assert.deepEqual(settingsLoosening(base, withChange({ toolGroups: ['mail', 'calendar', 'teams', 'files'] })), [
    'enable tool groups teams, files',
  ]);
  assert.deepEqual(
    settingsLoosening(base, withChange({ approvalPolicy: { ...base.approvalPolicy, clients: 'allow' } })),
    ['allow new editors without asking'],
  );
  assert.deepEqual(settingsLoosening(base, writes({ default: 'allow', tools: { send_mail: 'deny' } })), [
    'write approval default ask → allow',
  ]);
  assert.deepEqual(settingsLoosening(base, writes({ default: 'ask', tools: {} })), ['writes by send_mail deny → ask']);
  assert.deepEqual(settingsLoosening(base, withChange({ allowPlaintextCache: true })), [
    'allow a plaintext token cache',
  ]);
  for (const patch of [
    { tenant: 'contoso.onmicrosoft.com' },
    { extraCaFile: '/tmp/evil-ca.pem' },
    { api: { baseUrl: 'https://evil.example/', scope: 'api://x/y' } },
    { cloud: 'china' as const },
  ]) {
    assert.equal(settingsLoosening(base, withChange(patch)).length, 1, JSON.stringify(patch));
  }
});
