/**
 * The token memo inside createAuthService (fake MSAL edge, memory cache): token.get is answered without
 * MSAL while MSAL would return the same token, and every event that changes what MSAL would return
 * invalidates it — sign-in, device-code sign-in, sign-out (also racing a request), account switch,
 * consent, forceRefresh, a claims challenge, minValiditySeconds, a failure needing the user, a write to
 * the shared cache by another process. Each test fails if its invalidation is removed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InteractionRequiredAuthError, type SilentFlowRequest } from '@azure/msal-node';
import {
  account,
  consentRequired,
  deferred,
  FakeMsal,
  memoryStore,
  NOW,
  result,
  setup,
} from '../../../helpers/fake-msal.ts';

/** A fake whose every silent answer is a new token (`at-1`, `at-2`, …). */
function issuing(accounts = [account(1)]) {
  const fake = new FakeMsal();
  fake.accounts = accounts;
  let n = 0;
  fake.onSilent = (r: SilentFlowRequest) =>
    Promise.resolve({ ...result(r.account, r.scopes), accessToken: `at-${++n}` });
  return fake;
}

const tokenOf = async (p: Promise<{ ok: boolean; value?: { accessToken: string } }>): Promise<string> => {
  const r = await p;
  assert.ok(r.ok && r.value !== undefined, JSON.stringify(r));
  return r.value.accessToken;
};

void test('repeated token.get for the same account and scope set: MSAL is asked once', async () => {
  const fake = issuing();
  const { auth } = await setup(fake);
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read', 'Mail.Read'] })), 'at-1');
  for (let i = 0; i < 5; i++)
    assert.equal(await tokenOf(auth.getToken({ scopes: ['mail.read', 'User.Read'] })), 'at-1');
  assert.equal(fake.silent.length, 1);
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read'] })), 'at-2', 'another scope set: MSAL');
  assert.equal(fake.silent.length, 2);
});

void test('forceRefresh and a claims challenge bypass the memo and clear the account; their answer is then served', async () => {
  const fake = issuing();
  const { auth } = await setup(fake);
  await tokenOf(auth.getToken({ scopes: ['User.Read'] })); // at-1
  await tokenOf(auth.getToken({ scopes: ['Mail.Read'] })); // at-2
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read'], forceRefresh: true })), 'at-3');
  assert.equal(fake.silent.at(-1)?.forceRefresh, true);
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read'] })), 'at-3', 'never the refused at-1');
  assert.equal(await tokenOf(auth.getToken({ scopes: ['Mail.Read'] })), 'at-4', "the account's other tokens too");

  const claims = '{"access_token":{"nbf":{"essential":true,"value":"1767268800"}}}';
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read'], claims })), 'at-5');
  assert.equal(fake.silent.at(-1)?.claims, claims);
  assert.equal(await tokenOf(auth.getToken({ scopes: ['Mail.Read'] })), 'at-6', 'claims challenge cleared at-4');
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read'] })), 'at-5');
});

void test('minValiditySeconds: the memo never answers with a token that expires sooner than asked', async () => {
  const fake = issuing();
  let now = NOW;
  const { auth } = await setup(fake, memoryStore(), { now: () => now });
  await tokenOf(auth.getToken({ scopes: ['User.Read'] })); // expires NOW + 1 h
  now += 40 * 60_000; // 20 min left
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read'], minValiditySeconds: 600 })), 'at-1');
  const fresh = auth.getToken({ scopes: ['User.Read'], minValiditySeconds: 1800 });
  assert.equal(await tokenOf(fresh), 'at-2', 'MSAL asked');
  assert.equal(fake.silent.length, 2);
});

void test("a token within MSAL's renewal window or past refreshOn goes back to MSAL", async () => {
  const fake = new FakeMsal();
  fake.accounts = [account(1)];
  let now = NOW;
  let n = 0;
  fake.onSilent = (r) =>
    Promise.resolve({ ...result(r.account, r.scopes, { refreshInSec: 1800, now }), accessToken: `at-${++n}` });
  const { auth } = await setup(fake, memoryStore(), { now: () => now });
  await tokenOf(auth.getToken({ scopes: ['User.Read'], minValiditySeconds: 0 }));
  now += 1799_000;
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read'], minValiditySeconds: 0 })), 'at-1');
  now += 1000; // refreshOn reached
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read'], minValiditySeconds: 0 })), 'at-2');
});

void test('sign-in (browser and device code) clears the memo', async () => {
  const fake = issuing();
  const { auth } = await setup(fake);
  fake.onInteractive = async (r) => {
    await r.openBrowser('https://login.example/authorize');
    return result(account(1), ['User.Read']);
  };
  await tokenOf(auth.getToken({ scopes: ['User.Read'] }));
  assert.ok((await auth.signInInteractive()).ok);
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read'] })), 'at-2');

  fake.onDevice = (r) => {
    r.deviceCodeCallback({
      userCode: 'C',
      deviceCode: 'd',
      verificationUri: 'https://microsoft.com/devicelogin',
      expiresIn: 900,
      interval: 5,
      message: 'm',
    });
    return Promise.resolve(result(account(1), ['User.Read']));
  };
  assert.ok((await auth.signInDeviceCode({ onCode: () => undefined })).ok);
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read'] })), 'at-3');
});

void test('a consent change (grantConsent) clears the memo', async () => {
  const fake = issuing();
  const { auth } = await setup(fake);
  fake.onInteractive = async (r) => {
    await r.openBrowser('https://login.example/authorize');
    return result(account(1), ['User.Read', 'Mail.Send']);
  };
  await tokenOf(auth.getToken({ scopes: ['User.Read'] }));
  assert.ok((await auth.grantConsent(['Mail.Send'])).ok);
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read'] })), 'at-2');
});

void test('sign-out clears the memo — any account, and an answer to a request that raced it is not kept', async () => {
  const fake = issuing([account(1), account(2)]);
  const { auth } = await setup(fake, memoryStore(account(1).homeAccountId));
  await tokenOf(auth.getToken({ scopes: ['User.Read'] }));
  assert.ok((await auth.signOut('user2@contoso.com')).ok);
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read'] })), 'at-2');

  // A request in flight while the active account signs out: its answer is returned to it, never reused.
  const release = deferred<void>();
  fake.onSilent = async (r) => {
    await release.promise;
    return { ...result(r.account, r.scopes), accessToken: 'at-raced' };
  };
  const inFlight = auth.getToken({ scopes: ['Mail.Read'] });
  await new Promise((r) => setImmediate(r));
  const out = auth.signOut();
  release.resolve();
  assert.equal(await tokenOf(inFlight), 'at-raced');
  assert.ok((await out).ok);
  const after = await auth.getToken({ scopes: ['Mail.Read'] });
  assert.equal(after.ok ? '' : after.error.code, 'NOT_SIGNED_IN', 'no account left, no memo answer');
});

void test('switching accounts clears the memo', async () => {
  const fake = issuing([account(1), account(2)]);
  const { auth } = await setup(fake, memoryStore(account(1).homeAccountId));
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read'] })), 'at-1');
  assert.ok((await auth.useAccount('user2@contoso.com')).ok);
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read'] })), 'at-2');
  assert.equal(fake.silent.at(-1)?.account.homeAccountId, account(2).homeAccountId);
  assert.ok((await auth.useAccount('user1@contoso.com')).ok);
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read'] })), 'at-3', 'not the pre-switch at-1');
});

void test("a silent failure that needs the user clears the account's tokens; a missing consent does not", async () => {
  const fake = issuing();
  const { auth } = await setup(fake);
  await tokenOf(auth.getToken({ scopes: ['User.Read'] })); // at-1
  const ok = fake.onSilent;
  fake.onSilent = () => Promise.reject(consentRequired());
  const consent = await auth.getToken({ scopes: ['Mail.Send'] });
  assert.equal(consent.ok ? '' : consent.error.code, 'CONSENT_REQUIRED');
  fake.onSilent = ok;
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read'] })), 'at-1', 'still valid');

  fake.onSilent = () =>
    Promise.reject(new InteractionRequiredAuthError('interaction_required', 'MFA', 'AADSTS50076', 'basic_action'));
  const mfa = await auth.getToken({ scopes: ['Mail.Read'] });
  assert.equal(mfa.ok ? '' : mfa.error.code, 'INTERACTION_REQUIRED');
  const after = await auth.getToken({ scopes: ['User.Read'] });
  assert.equal(after.ok ? '' : after.error.code, 'INTERACTION_REQUIRED', 'not the memoized at-1');
});

void test('a write to the shared cache by another process (the stamp changed) is a miss', async () => {
  const fake = issuing();
  let stamp = 'marker@1';
  const { auth } = await setup(fake, memoryStore(), { cacheStamp: () => Promise.resolve(stamp) });
  await tokenOf(auth.getToken({ scopes: ['User.Read'] }));
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read'] })), 'at-1');
  stamp = 'marker@2';
  assert.equal(await tokenOf(auth.getToken({ scopes: ['User.Read'] })), 'at-2');
  assert.equal(fake.silent.length, 2);
});
