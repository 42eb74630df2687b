/**
 * Concurrent silent token requests for DIFFERENT scope sets in one broker (an editor calling a mail
 * tool and a calendar tool at once) against the real MSAL PublicClientApplication, the real
 * keychain-backed cache plugin and the emulator.
 *
 * msal-node starts every acquireTokenSilent by clearing its in-memory cache and reloading it from the
 * plugin (`overwriteCache`); a second call looking tokens up while the first one waits on the plugin
 * saw an EMPTY cache and failed with no_tokens_found (NOT_SIGNED_IN) although the user was signed in.
 * The broker serialises the MSAL cache (cache-gate.ts); this test fails without it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { startEmulator, type RunningEmulator } from '../emulator/index.ts';
import { startTestBroker, type TestBroker } from '../helpers/broker.ts';

let emulator: RunningEmulator | undefined;
let broker: TestBroker | undefined;

before(async () => {
  emulator = await startEmulator();
  broker = await startTestBroker({
    emulator,
    toolGroups: ['profile', 'mail', 'calendar', 'files', 'tasks'],
  });
});

after(async () => {
  await broker?.stop();
  await emulator?.close();
});

const SCOPE_SETS = [
  ['User.Read'],
  ['Mail.Read'],
  ['Calendars.Read'],
  ['Files.Read'],
  ['Tasks.Read'],
  ['User.Read', 'Mail.Read'],
];

function running(): TestBroker {
  assert.ok(broker, 'the test broker did not start');
  return broker;
}

void test('the cache backend under test is the OS keychain', () => {
  assert.equal(running().auth.snapshot().cache.backend, 'keychain');
});

void test('concurrent silent requests for different scopes all succeed, from the cache and with refreshes', async () => {
  const failures: string[] = [];
  let calls = 0;
  for (let round = 0; round < 60; round++) {
    const requests = SCOPE_SETS.map(async (scopes, i) => {
      // Editors' calls arrive staggered, not in lockstep: offset each by up to 3 ms so one call's
      // cache lookup can land inside another's reload. Every fourth round one request goes to the
      // network, so reads race a cache WRITE too.
      await delay((round * 7 + i * 5) % 4);
      return running().auth.getToken({ scopes, forceRefresh: round % 4 === 0 && i === round % SCOPE_SETS.length });
    });
    const results = await Promise.all(requests);
    calls += results.length;
    results.forEach((r, i) => {
      if (!r.ok) failures.push(`round ${round} ${SCOPE_SETS[i]?.join('+')}: ${r.error.code} ${r.error.message}`);
    });
  }
  assert.deepEqual(failures, [], `${failures.length} of ${calls} concurrent token requests failed`);
  assert.equal(running().auth.snapshot().signInNeeded ?? null, null);
});
