import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as KeytarModule from 'keytar';

// Proves the suite runs against a real, unlocked Secret Service (gnome-keyring over D-Bus).
test('the OS keychain (libsecret via keytar) stores and returns a secret', async () => {
  const keytar = createRequire(import.meta.url)('keytar') as typeof KeytarModule;
  const service = `graph-bridge-test-${randomUUID()}`;
  await keytar.setPassword(service, 'smoke', 'value-1');
  assert.equal(await keytar.getPassword(service, 'smoke'), 'value-1');
  assert.equal(await keytar.deletePassword(service, 'smoke'), true);
  assert.equal(await keytar.getPassword(service, 'smoke'), null);
});
