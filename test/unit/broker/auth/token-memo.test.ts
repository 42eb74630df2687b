/**
 * The token memo on its own (app/broker/auth/token-memo.ts): what it serves, for how long, and every way
 * an entry stops being served — expiry and minimum validity, MSAL's renewal window, refreshOn, a cache
 * change, clear/clearAccount (and a put racing them), the size bound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TokenGetResult } from '../../../../app/shared/bridge-contract.ts';
import { createTokenMemo, type TokenMemo } from '../../../../app/broker/auth/token-memo.ts';
import { deferred } from '../../../helpers/fake-msal.ts';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const A = 'oid-1.tid';
const B = 'oid-2.tid';

function token(id: string, ttlSec = 3600, at = NOW): TokenGetResult {
  return {
    accessToken: `at-${id}`,
    expiresOn: new Date(at + ttlSec * 1000).toISOString(),
    grantedScopes: ['User.Read'],
    account: {
      homeAccountId: id,
      username: `${id}@contoso.com`,
      tenantId: 'tid',
      environment: 'login.microsoftonline.com',
    },
  };
}

function memo(options: { stamp?: () => Promise<string | null>; maxEntries?: number } = {}) {
  let now = NOW;
  const m = createTokenMemo({
    now: () => now,
    cacheStamp: options.stamp ?? (() => Promise.resolve('s1')),
    ...(options.maxEntries !== undefined ? { maxEntries: options.maxEntries } : {}),
  });
  return { m, advance: (ms: number) => (now += ms) };
}

/** Looks up, and on a miss stores `t` with the ticket the lookup gave (what getToken does). */
async function fill(m: TokenMemo, id: string, scopes: string[], t: TokenGetResult, refreshOn?: Date) {
  const found = await m.lookup(id, scopes, 300_000);
  assert.equal(found.token, null, 'a miss first');
  m.put(found.ticket, { homeAccountId: id, scopes, token: t, ...(refreshOn ? { refreshOn } : {}) });
}

const hit = async (m: TokenMemo, id: string, scopes: string[], minValidityMs = 300_000) =>
  (await m.lookup(id, scopes, minValidityMs)).token?.accessToken ?? null;

void test('a stored token is served for the same account and scope set (any order or case), as a copy', async () => {
  const { m } = memo();
  await fill(m, A, ['User.Read', 'Mail.Read'], token(A));
  assert.equal(await hit(m, A, [' mail.read', 'USER.READ']), `at-${A}`);
  assert.equal(await hit(m, A, ['User.Read']), null, 'another scope set');
  assert.equal(await hit(m, B, ['User.Read', 'Mail.Read']), null, 'another account');
  const served = (await m.lookup(A, ['User.Read', 'Mail.Read'], 0)).token;
  assert.ok(served !== null);
  served.grantedScopes.push('Mail.Send');
  served.account.username = 'mallory';
  const again = (await m.lookup(A, ['User.Read', 'Mail.Read'], 0)).token;
  assert.deepEqual(again, token(A), 'what a caller does with its copy never reaches the memo');
});

void test('never a token that expires sooner than asked, nor one MSAL would renew (5 min before expiry)', async () => {
  const { m, advance } = memo();
  await fill(m, A, ['User.Read'], token(A, 900));
  assert.equal(await hit(m, A, ['User.Read'], 600_000), `at-${A}`, '15 min left, 10 asked');
  assert.equal(await hit(m, A, ['User.Read'], 901_000), null, 'more than it has left');
  advance(500_000); // 400 s left
  assert.equal(await hit(m, A, ['User.Read'], 60_000), `at-${A}`, 'outside the renewal window');
  advance(101_000); // 299 s left: MSAL would refresh it
  assert.equal(await hit(m, A, ['User.Read'], 0), null);
  assert.equal(await hit(m, A, ['User.Read'], 60_000), null);
});

void test("past Entra's refreshOn the memo steps aside (MSAL refreshes such a token early)", async () => {
  const { m, advance } = memo();
  await fill(m, A, ['User.Read'], token(A), new Date(NOW + 1800_000));
  assert.equal(await hit(m, A, ['User.Read']), `at-${A}`);
  advance(1800_000);
  assert.equal(await hit(m, A, ['User.Read']), null);
});

void test('a changed cache stamp (a write by any process) is a miss; no stamp means no memo', async () => {
  let stamp: string | null = 's1';
  const { m } = memo({ stamp: () => Promise.resolve(stamp) });
  await fill(m, A, ['User.Read'], token(A));
  assert.equal(await hit(m, A, ['User.Read']), `at-${A}`);
  stamp = 's2';
  assert.equal(await hit(m, A, ['User.Read']), null);
  stamp = 's1';
  assert.equal(await hit(m, A, ['User.Read']), null, 'the stale entry was dropped, not kept for later');
  stamp = null;
  const found = await m.lookup(A, ['User.Read'], 0);
  assert.equal(found.token, null);
  m.put(found.ticket, { homeAccountId: A, scopes: ['User.Read'], token: token(A) });
  assert.equal(m.stats().entries, 0, 'nothing is stored when the cache state cannot be told');
});

void test('a ticket from before the MSAL call: a cache write during the call makes the answer a miss later', async () => {
  let stamp = 's1';
  const { m } = memo({ stamp: () => Promise.resolve(stamp) });
  const found = await m.lookup(A, ['User.Read'], 0);
  assert.equal(found.token, null);
  stamp = 's2'; // e.g. the CLI signed out while MSAL was reading the cache
  m.put(found.ticket, { homeAccountId: A, scopes: ['User.Read'], token: token(A) });
  assert.equal(await hit(m, A, ['User.Read']), null);
});

void test('clear() forgets everything; clearAccount() only that account; a put started before either is dropped', async () => {
  const { m } = memo();
  await fill(m, A, ['User.Read'], token(A));
  await fill(m, B, ['User.Read'], token(B));
  m.clearAccount(A);
  assert.equal(await hit(m, A, ['User.Read']), null);
  assert.equal(await hit(m, B, ['User.Read']), `at-${B}`);
  m.clear();
  assert.equal(await hit(m, B, ['User.Read']), null);
  assert.equal(m.stats().entries, 0);

  for (const clear of [() => m.clear(), () => m.clearAccount(B)]) {
    const before = await m.lookup(A, ['User.Read'], 0);
    assert.equal(before.token, null);
    clear(); // sign-out / forceRefresh while MSAL answered the request
    m.put(before.ticket, { homeAccountId: A, scopes: ['User.Read'], token: token(A) });
    assert.equal(await hit(m, A, ['User.Read']), null, 'an answer to a request from before the clear');
    const ticket = await m.ticket();
    clear();
    m.put(ticket, { homeAccountId: A, scopes: ['User.Read'], token: token(A) });
    assert.equal(m.stats().entries, 0);
  }
});

void test('a clear while the stamp is being read is a miss, and its ticket cannot store', async () => {
  const reading = deferred<string | null>();
  let slow = false;
  const { m } = memo({ stamp: () => (slow ? reading.promise : Promise.resolve('s1')) });
  await fill(m, A, ['User.Read'], token(A));
  slow = true;
  const pending = m.lookup(A, ['User.Read'], 0);
  m.clear();
  reading.resolve('s1');
  const found = await pending;
  assert.equal(found.token, null);
  m.put(found.ticket, { homeAccountId: A, scopes: ['User.Read'], token: token(A) });
  assert.equal(m.stats().entries, 0);
});

void test('bounded: at most maxEntries (account, scope set) pairs, the oldest dropped first', async () => {
  const { m } = memo({ maxEntries: 3 });
  const sets = ['Mail.Read', 'Files.Read', 'Calendars.Read', 'Tasks.Read', 'People.Read'];
  for (const s of sets) await fill(m, A, [s], token(A));
  assert.equal(m.stats().entries, 3);
  assert.equal(await hit(m, A, ['Mail.Read']), null);
  assert.equal(await hit(m, A, ['Files.Read']), null);
  assert.equal(await hit(m, A, ['People.Read']), `at-${A}`);
});

void test('a token with an unparseable expiry is never stored', async () => {
  const { m } = memo();
  const found = await m.lookup(A, ['User.Read'], 0);
  assert.equal(found.token, null);
  m.put(found.ticket, { homeAccountId: A, scopes: ['User.Read'], token: { ...token(A), expiresOn: 'soon' } });
  assert.equal(m.stats().entries, 0);
});
