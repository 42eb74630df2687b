/**
 * createAuthService with a hand-written fake at the MSAL edge (MsalClient) and an in-memory cache:
 * single-flight, account isolation, consent queue, cancellation, sign-out. Errors are REAL MSAL classes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InteractionRequiredAuthError, type AuthenticationResult, type DeviceCodeRequest } from '@azure/msal-node';
import type { InteractiveTimers } from '../../../../app/broker/auth/interactive.ts';
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

void test('N concurrent getToken calls for the same account and scope set share ONE acquisition', async () => {
  const fake = new FakeMsal();
  fake.accounts = [account(1)];
  const gate = deferred<void>();
  fake.onSilent = async (r) => {
    await gate.promise;
    return result(r.account, ['User.Read', 'Mail.Read']);
  };
  const { auth } = await setup(fake);
  const calls = Array.from({ length: 10 }, (_, i) =>
    auth.getToken({ scopes: i % 2 === 0 ? ['User.Read', 'Mail.Read'] : [' mail.read', 'USER.READ', 'Mail.Read'] }),
  );
  const other = auth.getToken({ scopes: ['User.Read'] });
  const forced = auth.getToken({ scopes: ['User.Read', 'Mail.Read'], forceRefresh: true });
  gate.resolve();
  const results = await Promise.all([...calls, other, forced]);
  assert.ok(results.every((r) => r.ok));
  assert.equal(fake.silent.length, 3, 'one per (scope set, forceRefresh)');
  assert.equal(new Set(results.slice(0, 10).map((r) => (r.ok ? r.value.accessToken : ''))).size, 1);
  await auth.getToken({ scopes: ['User.Read', 'Mail.Read'] });
  assert.equal(fake.silent.length, 3, 'the token memo answers the next call (token-memo.ts)');
  await auth.getToken({ scopes: ['User.Read', 'Mail.Read'], forceRefresh: true });
  assert.equal(fake.silent.length, 4, 'the flight ends when it settles');
});

void test('a cached token expiring within minValiditySeconds is refreshed once', async () => {
  const fake = new FakeMsal();
  fake.accounts = [account(1)];
  fake.onSilent = (r) =>
    Promise.resolve(result(r.account, r.scopes, { fromCache: !r.forceRefresh, ttlSec: r.forceRefresh ? 3600 : 400 }));
  let stamp = 1;
  const { auth } = await setup(fake, memoryStore(), { cacheStamp: () => Promise.resolve(String(stamp)) });
  const r = await auth.getToken({ scopes: ['User.Read'], minValiditySeconds: 600 });
  assert.ok(r.ok);
  assert.deepEqual(
    fake.silent.map((s) => s.forceRefresh),
    [false, true],
  );
  assert.equal(r.value.expiresOn, new Date(NOW + 3600_000).toISOString());
  fake.silent = [];
  stamp++; // the cache changed (here: another process wrote it), so the memo steps aside and MSAL answers
  await auth.getToken({ scopes: ['User.Read'], minValiditySeconds: 300 });
  assert.deepEqual(
    fake.silent.map((s) => s.forceRefresh),
    [false],
    'valid long enough: no refresh',
  );
});

void test('no account → NOT_SIGNED_IN; getToken never opens a browser or goes interactive', async () => {
  const fake = new FakeMsal();
  const { auth, opened } = await setup(fake);
  const r = await auth.getToken({ scopes: ['User.Read'] });
  assert.equal(r.ok ? '' : r.error.code, 'NOT_SIGNED_IN');
  fake.accounts = [account(1)];
  fake.onSilent = () =>
    Promise.reject(new InteractionRequiredAuthError('invalid_grant', 'c', 'AADSTS50076', 'basic_action'));
  const mfa = await auth.getToken({ scopes: ['User.Read'] });
  assert.equal(mfa.ok ? '' : mfa.error.code, 'INTERACTION_REQUIRED');
  assert.equal(fake.interactive.length, 0);
  assert.deepEqual(opened, []);
});

void test('tokens never cross accounts: useAccount switches the account MSAL is asked for', async () => {
  const fake = new FakeMsal();
  fake.accounts = [account(1), account(2)];
  const state = memoryStore(account(1).homeAccountId);
  const { auth } = await setup(fake, state);
  const a = await auth.getToken({ scopes: ['User.Read'] });
  const switched = await auth.useAccount('USER2@contoso.com');
  assert.ok(switched.ok);
  assert.equal(state.value, account(2).homeAccountId, 'active account persisted');
  const b = await auth.getToken({ scopes: ['User.Read'] });
  assert.ok(a.ok && b.ok);
  assert.deepEqual(
    fake.silent.map((s) => s.account.homeAccountId),
    [account(1).homeAccountId, account(2).homeAccountId],
  );
  assert.equal(b.value.account.username, 'user2@contoso.com');
  assert.notEqual(a.value.accessToken, b.value.accessToken);
  const unknown = await auth.useAccount('nobody@contoso.com');
  assert.equal(unknown.ok ? '' : unknown.error.code, 'NOT_SIGNED_IN');
  assert.equal(auth.snapshot().account?.homeAccountId, account(2).homeAccountId);
});

void test('consent: CONSENT_REQUIRED lists requested − granted, queues one item, grantConsent clears it', async () => {
  const fake = new FakeMsal();
  fake.accounts = [account(1)];
  const { auth, opened } = await setup(fake);
  assert.ok((await auth.getToken({ scopes: ['User.Read'] })).ok); // granted: User.Read
  fake.onSilent = () => Promise.reject(consentRequired());
  const items: string[][] = [];
  auth.onConsentNeeded((i) => items.push(i.scopes));
  for (let i = 0; i < 2; i++) {
    const r = await auth.getToken({
      scopes: ['User.Read', 'Mail.Send', 'Mail.ReadWrite'],
      requestedBy: 'cursor / mail_send',
    });
    assert.equal(r.ok ? '' : r.error.code, 'CONSENT_REQUIRED');
    assert.deepEqual(r.ok ? [] : r.error.missingScopes, ['Mail.ReadWrite', 'Mail.Send']);
  }
  assert.deepEqual(items, [['Mail.ReadWrite', 'Mail.Send']], 'recorded once');
  assert.equal(auth.pendingConsent()[0]?.requestedBy, 'cursor / mail_send');

  fake.onInteractive = async (r) => {
    await r.openBrowser('https://login.microsoftonline.com/tid/oauth2/v2.0/authorize?x=1');
    return result(account(1), ['User.Read', 'Mail.ReadWrite', 'Mail.Send']);
  };
  const granted = await auth.grantConsent(['Mail.Send', 'Mail.ReadWrite']);
  assert.ok(granted.ok);
  assert.equal(fake.interactive[0]?.loginHint, 'user1@contoso.com', 'consent for the active account');
  assert.equal(opened.length, 1);
  assert.deepEqual(auth.pendingConsent(), []);
});

void test('interactive sign-in uses the enabled groups scopes, our pages, and becomes the active account', async () => {
  const fake = new FakeMsal();
  fake.onInteractive = async (r) => {
    await r.openBrowser('https://login.microsoftonline.com/tid/oauth2/v2.0/authorize');
    fake.accounts = [account(3)];
    return result(account(3), r.scopes ?? []);
  };
  const { auth, state } = await setup(fake);
  let changes = 0;
  auth.onChange(() => changes++);
  const r = await auth.signInInteractive();
  assert.ok(r.ok);
  assert.deepEqual(fake.interactive[0]?.scopes, ['Mail.Read', 'People.Read', 'User.Read', 'User.ReadBasic.All']);
  assert.equal(fake.interactive[0]?.prompt, 'select_account');
  assert.match(fake.interactive[0]?.successTemplate ?? '', /return to Graph Bridge/);
  assert.equal(state.value, account(3).homeAccountId);
  assert.ok(changes > 0);
  assert.deepEqual(auth.snapshot().grantedScopes, ['Mail.Read', 'People.Read', 'User.Read', 'User.ReadBasic.All']);
});

void test('aborting an interactive sign-in resolves at once with a cancellation', async () => {
  const fake = new FakeMsal();
  const reached = deferred<void>();
  fake.onInteractive = async (r) => {
    await r.openBrowser('https://login.example/authorize?redirect_uri=http%3A%2F%2Flocalhost%3A1&state=s');
    reached.resolve();
    return new Promise<AuthenticationResult>(() => undefined);
  };
  const { auth } = await setup(fake);
  const controller = new AbortController();
  const pending = auth.signInInteractive({ signal: controller.signal });
  await reached.promise;
  controller.abort();
  const r = await pending;
  assert.equal(r.ok ? '' : r.error.code, 'INTERACTION_REQUIRED');
  assert.match(r.ok ? '' : r.error.message, /cancelled/);
});

void test('device code: the prompt reaches onCode; abort sets MSAL cancel and returns at once', async () => {
  const fake = new FakeMsal();
  let request: DeviceCodeRequest | undefined;
  fake.onDevice = (r) => {
    request = r;
    r.deviceCodeCallback({
      userCode: 'ABCD-EFGH',
      deviceCode: 'dc',
      verificationUri: 'https://microsoft.com/devicelogin',
      expiresIn: 900,
      interval: 5,
      message: 'Go there',
    });
    return new Promise(() => undefined);
  };
  const { auth } = await setup(fake);
  const controller = new AbortController();
  const prompts: string[] = [];
  const pending = auth.signInDeviceCode({
    signal: controller.signal,
    onCode: (p) => {
      prompts.push(`${p.userCode} ${p.verificationUri} ${p.expiresOn.toISOString()}`);
      controller.abort();
    },
  });
  const r = await pending;
  assert.deepEqual(prompts, [`ABCD-EFGH https://microsoft.com/devicelogin ${new Date(NOW + 900_000).toISOString()}`]);
  assert.equal(r.ok ? '' : r.error.code, 'INTERACTION_REQUIRED');
  assert.equal(request?.cancel, true);
});

void test('sign-out removes the account, forgets its tokens and activates the next one', async () => {
  const fake = new FakeMsal();
  fake.accounts = [account(1), account(2)];
  const state = memoryStore(account(1).homeAccountId);
  const { auth } = await setup(fake, state);
  assert.ok((await auth.getToken({ scopes: ['User.Read'] })).ok);
  const out = await auth.signOut();
  assert.ok(out.ok, JSON.stringify(out));
  assert.deepEqual(
    fake.accounts.map((a) => a.homeAccountId),
    [account(2).homeAccountId],
  );
  assert.equal(state.value, account(2).homeAccountId);
  assert.deepEqual(
    auth.snapshot().accounts.map((a) => a.username),
    ['user2@contoso.com'],
  );
  assert.deepEqual(auth.snapshot().grantedScopes, [], 'no tokens state carried over to the other account');
  const missing = await auth.signOut('nope');
  assert.equal(missing.ok ? '' : missing.error.code, 'NOT_SIGNED_IN');
  assert.match(
    missing.ok ? '' : missing.error.message,
    /No signed-in account is "nope" \(signed in: user2@contoso\.com\)/,
  );
});

void test('a silent failure only a new sign-in fixes raises signInNeeded; the next success clears it', async () => {
  const fake = new FakeMsal();
  fake.accounts = [account(1)];
  const { auth } = await setup(fake);
  fake.onSilent = () =>
    Promise.reject(new InteractionRequiredAuthError('interaction_required', 'MFA', 'AADSTS50076', 'basic_action'));
  const mfa = await auth.getToken({ scopes: ['User.Read'] });
  assert.ok(!mfa.ok);
  assert.equal(mfa.error.code, 'INTERACTION_REQUIRED');
  assert.match(auth.snapshot().signInNeeded?.reason ?? '', /multi-factor/);

  fake.onSilent = () => Promise.reject(new InteractionRequiredAuthError('no_tokens_found', 'c', 'No refresh token.'));
  const gone = await auth.getToken({ scopes: ['User.Read'] });
  assert.ok(!gone.ok);
  assert.equal(gone.error.code, 'NOT_SIGNED_IN');
  assert.match(auth.snapshot().signInNeeded?.reason ?? '', /expired or was revoked/);

  fake.onSilent = (r) => Promise.resolve(result(r.account, r.scopes));
  assert.ok((await auth.getToken({ scopes: ['User.Read'] })).ok);
  assert.equal(auth.snapshot().signInNeeded ?? null, null, 'cleared by a success');
});

void test('MSAL sees one cache operation at a time: listing accounts waits for a running silent call', async () => {
  const fake = new FakeMsal();
  fake.accounts = [account(1)];
  const { auth } = await setup(fake);
  const events: string[] = [];
  const release = deferred<void>();
  fake.onSilent = async (r) => {
    events.push('silent:start');
    await release.promise;
    events.push('silent:end');
    return result(r.account, r.scopes);
  };
  const listAccounts = fake.getAllAccounts.bind(fake);
  fake.getAllAccounts = () => {
    events.push('accounts');
    return listAccounts();
  };
  fake.accounts = [account(1), account(2)];
  const token = auth.getToken({ scopes: ['Mail.Read'] });
  await new Promise((r) => setImmediate(r));
  const useOther = auth.useAccount('user2@contoso.com'); // lists the accounts again
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(events, ['silent:start'], 'nothing else touches the cache meanwhile');
  release.resolve();
  await Promise.all([token, useOther]);
  assert.equal(events[1], 'silent:end');
  assert.ok(events.slice(2).includes('accounts'));
});

void test('a CAE claims challenge reaches acquireTokenSilent; needing MFA raises signInNeeded, the next sign-in carries the claims', async () => {
  const fake = new FakeMsal();
  fake.accounts = [account(1)];
  const { auth } = await setup(fake);
  const challenge = '{"access_token":{"nbf":{"essential":true,"value":"1767268800"}}}';
  const ok = await auth.getToken({ scopes: ['User.Read'], claims: challenge });
  assert.ok(ok.ok);
  assert.equal(fake.silent.at(-1)?.claims, challenge, 'MSAL skips its cache and refreshes with the claims');

  const entraClaims = '{"access_token":{"capolids":{"essential":true,"values":["p1"]}}}';
  fake.onSilent = () =>
    Promise.reject(
      new InteractionRequiredAuthError(
        'invalid_grant',
        'c',
        'AADSTS50076: MFA',
        'basic_action',
        '',
        '',
        entraClaims,
        '50076',
      ),
    );
  const mfa = await auth.getToken({ scopes: ['User.Read'], claims: challenge });
  assert.equal(mfa.ok ? '' : mfa.error.code, 'INTERACTION_REQUIRED');
  assert.match(mfa.ok ? '' : mfa.error.message, /multi-factor authentication or a compliant device.*Only the user/);
  const needed = auth.snapshot().signInNeeded;
  assert.match(needed?.reason ?? '', /^Your organisation requires an extra sign-in step/);
  const since = needed?.since;
  await auth.getToken({ scopes: ['User.Read'] });
  assert.equal(auth.snapshot().signInNeeded?.since, since, 'needed since the first failure');

  fake.onInteractive = async (r) => {
    await r.openBrowser('https://login.example/authorize');
    return result(account(1), ['User.Read']);
  };
  assert.ok((await auth.signInInteractive()).ok);
  assert.equal(fake.interactive[0]?.claims, entraClaims, "Entra's claims go to the new sign-in");
  assert.equal(auth.snapshot().signInNeeded ?? null, null);
});

void test('an unfinished browser sign-in stops after signInTimeoutSeconds with a clear message', async () => {
  const fake = new FakeMsal();
  let fire: () => void = () => undefined;
  const limits: number[] = [];
  const timers: InteractiveTimers = {
    setTimeout: (cb, ms) => {
      limits.push(ms);
      fire = cb;
      return 1;
    },
    clearTimeout: () => undefined,
  };
  const opened = deferred<void>();
  fake.onInteractive = async (r) => {
    await r.openBrowser('https://login.example/authorize?redirect_uri=http%3A%2F%2Flocalhost%3A1&state=s');
    opened.resolve();
    return new Promise<AuthenticationResult>(() => undefined);
  };
  const { auth } = await setup(fake, memoryStore(), { timers, settings: { signInTimeoutSeconds: 120 } });
  const urls: string[] = [];
  const pending = auth.signInInteractive({ onBrowser: (e) => urls.push(e.url) });
  await opened.promise;
  assert.deepEqual(limits, [120_000]);
  fire();
  const r = await pending;
  assert.equal(r.ok ? '' : r.error.code, 'INTERACTION_REQUIRED');
  assert.match(
    r.ok ? '' : r.error.message,
    /^Sign-in was not finished within 2 minutes, so Graph Bridge stopped waiting/,
  );
  assert.deepEqual(urls, ['https://login.example/authorize?redirect_uri=http%3A%2F%2Flocalhost%3A1&state=s']);
});

void test('every account command takes a username or a home account id', async () => {
  const fake = new FakeMsal();
  const twin = { ...account(2), homeAccountId: 'oid-9.other', environment: 'login.microsoftonline.us' };
  fake.accounts = [account(1), account(2), twin];
  const { auth } = await setup(fake, memoryStore(account(1).homeAccountId));
  const ambiguous = await auth.signOut('user2@contoso.com');
  assert.equal(ambiguous.ok ? '' : ambiguous.error.code, 'BAD_REQUEST');
  assert.match(ambiguous.ok ? '' : ambiguous.error.message, /oid-2\.tid on login\.microsoftonline\.com, oid-9\.other/);
  assert.ok((await auth.signOut('oid-9.other')).ok, 'by id');
  assert.ok((await auth.signOut('  USER2@Contoso.com ')).ok, 'by username, any case, trimmed');
  assert.deepEqual(
    fake.accounts.map((a) => a.homeAccountId),
    [account(1).homeAccountId],
  );
  const evil = await auth.useAccount('x\u001b[31m\nInjected');
  const said = evil.ok ? '' : evil.error.message;
  assert.ok(!said.includes('\u001b') && !said.includes('\n'), `a typed name is escaped in the message: ${said}`);
});

void test('consent by device code: the code reaches the caller, the granted scopes come back', async () => {
  const fake = new FakeMsal();
  fake.accounts = [account(1)];
  fake.onDevice = (r) => {
    r.deviceCodeCallback({
      userCode: 'CODE1',
      deviceCode: 'dc',
      verificationUri: 'https://microsoft.com/devicelogin',
      expiresIn: 900,
      interval: 5,
      message: 'Go there',
    });
    return Promise.resolve(result(account(1), ['User.Read', 'Mail.Send']));
  };
  const { auth, opened } = await setup(fake);
  const codes: string[] = [];
  const r = await auth.grantConsent(['Mail.Send'], { onDeviceCode: (p) => codes.push(p.userCode) });
  assert.deepEqual(r, { ok: true, value: ['User.Read', 'Mail.Send'] });
  assert.deepEqual(codes, ['CODE1']);
  assert.deepEqual(opened, [], 'no browser');
});
