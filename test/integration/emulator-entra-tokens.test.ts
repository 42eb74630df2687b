// Token lifetime, refresh and refresh errors against UNMODIFIED msal-node (spec §1.6, §1.9, §1.10, §5.4, §6.1):
// silent refresh after expiry (clock advanced, no sleeping), revocation (bad_token → RT deleted), MFA
// policy (basic_action + claims), RT inactivity, rotation, and a 429 from the token endpoint.
import { after, before, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import {
  InteractionRequiredAuthError,
  ServerError,
  type AccountInfo,
  type PublicClientApplication,
} from '@azure/msal-node';
import { createEmulatorPca, startEmulator, type RunningEmulator } from '../helpers/emulator.ts';
import { emulatorRequest } from '../helpers/emulator-control.ts';

async function signIn(emu: RunningEmulator, pca: PublicClientApplication, scopes = ['User.Read', 'Mail.Read']) {
  const result = await pca.acquireTokenByDeviceCode({
    scopes,
    deviceCodeCallback: (info) => {
      setTimeout(() => emu.control.device(info.userCode, 'approve'), 20);
    },
  });
  assert.ok(result?.account);
  return { result, account: result.account };
}

function tokenCalls(emu: RunningEmulator, since: number, grantType = 'refresh_token') {
  return emu.requestLog(since).filter((e) => e.form?.grant_type === grantType);
}

function lastSeq(emu: RunningEmulator): number {
  return emu.requestLog().at(-1)?.seq ?? 0;
}

function refreshTokenCount(pca: PublicClientApplication): number {
  const cache = JSON.parse(pca.getTokenCache().serialize()) as { RefreshToken?: Record<string, unknown> };
  return Object.keys(cache.RefreshToken ?? {}).length;
}

void describe('emulator: tokens and refresh', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    emu.control.reset();
    emu.control.settings({ deviceInterval: 1 });
  });

  void it('refreshes silently exactly once after the access token expires (clock advanced, no sleeping)', async (t) => {
    const pca = createEmulatorPca(emu);
    const { result, account } = await signIn(emu, pca);
    assert.equal(emu.verifyAccessToken(`Bearer ${result.accessToken}`).ok, true);

    // MSAL and the emulator both read Date: move it past expires_in (3599 s) + the 5-min skew, without waiting.
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    t.after(() => mock.timers.reset());
    mock.timers.tick((3600 + 301) * 1000);

    assert.deepEqual(emu.verifyAccessToken(`Bearer ${result.accessToken}`), { ok: false, reason: 'expired' });
    const since = lastSeq(emu);
    const refreshed = await pca.acquireTokenSilent({ account, scopes: ['Mail.Read'] });
    assert.equal(refreshed.fromCache, false);
    assert.notEqual(refreshed.accessToken, result.accessToken);
    assert.equal(emu.verifyAccessToken(`Bearer ${refreshed.accessToken}`).ok, true);
    const again = await pca.acquireTokenSilent({ account, scopes: ['User.Read'] });
    assert.equal(again.fromCache, true);

    const calls = emu.requestLog(since);
    assert.equal(calls.length, 1, `expected exactly one request, saw ${calls.map((c) => c.path).join(', ')}`);
    assert.equal(calls[0]?.form?.grant_type, 'refresh_token');
    assert.equal(calls[0]?.status, 200);
  });

  void it('revoked sessions: refresh fails with bad_token (50173), MSAL deletes the refresh token, Graph check says revoked', async () => {
    const pca = createEmulatorPca(emu);
    const { result, account } = await signIn(emu, pca);
    assert.equal(refreshTokenCount(pca), 1);
    emu.control.revokeSessions(account.localAccountId);
    assert.deepEqual(emu.verifyAccessToken(`Bearer ${result.accessToken}`), { ok: false, reason: 'revoked' });

    await assert.rejects(
      pca.acquireTokenSilent({ account, scopes: ['User.Read'], forceRefresh: true }),
      (err: unknown) => {
        assert.ok(err instanceof InteractionRequiredAuthError);
        assert.equal(err.errorCode, 'invalid_grant');
        assert.equal(err.subError, 'bad_token');
        assert.match(err.errorMessage, /AADSTS50173/);
        return true;
      },
    );
    assert.equal(refreshTokenCount(pca), 0);

    const since = lastSeq(emu);
    await assert.rejects(
      pca.acquireTokenSilent({ account, scopes: ['User.Read'], forceRefresh: true }),
      (err: unknown) => {
        assert.ok(err instanceof InteractionRequiredAuthError);
        assert.equal(err.errorCode, 'no_tokens_found');
        return true;
      },
    );
    assert.equal(emu.requestLog(since).length, 0);
  });

  void it('MFA policy: refresh fails with basic_action (50076) and a claims challenge; the RT is kept', async () => {
    const pca = createEmulatorPca(emu);
    const { account } = await signIn(emu, pca);
    emu.control.setPolicy(account.localAccountId, { mfaRequired: true });
    await assert.rejects(
      pca.acquireTokenSilent({ account, scopes: ['User.Read'], forceRefresh: true }),
      (err: unknown) => {
        assert.ok(err instanceof InteractionRequiredAuthError);
        assert.equal(err.subError, 'basic_action');
        assert.match(err.errorMessage, /AADSTS50076/);
        const claims = JSON.parse(err.claims) as { access_token?: { capolids?: unknown } };
        assert.ok(claims.access_token?.capolids);
        return true;
      },
    );
    assert.equal(refreshTokenCount(pca), 1);
    // A new sign-in performs MFA; its tokens carry amr mfa and refresh fine.
    const fresh = createEmulatorPca(emu);
    const { result, account: again } = await signIn(emu, fresh);
    const verified = emu.verifyAccessToken(`Bearer ${result.accessToken}`);
    assert.ok(verified.ok && (verified.claims.amr as string[]).includes('mfa'));
    const refreshed = await fresh.acquireTokenSilent({ account: again, scopes: ['User.Read'], forceRefresh: true });
    assert.equal(refreshed.fromCache, false);
  });

  void it('an inactive refresh token fails with 700082 bad_token', async () => {
    const pca = createEmulatorPca(emu);
    const { account } = await signIn(emu, pca);
    emu.control.settings({ rtInactivity: 3600 });
    emu.control.advanceClock(3601);
    await assert.rejects(
      pca.acquireTokenSilent({ account, scopes: ['User.Read'], forceRefresh: true }),
      (err: unknown) => {
        assert.ok(err instanceof InteractionRequiredAuthError);
        assert.equal(err.subError, 'bad_token');
        assert.match(err.errorMessage, /AADSTS700082/);
        return true;
      },
    );
  });

  void it('a 429 from the token endpoint surfaces as ServerError and MSAL then throttles itself', async () => {
    const pca = createEmulatorPca(emu);
    const { account } = await signIn(emu, pca);
    emu.control.addFault({
      host: 'entra',
      method: 'POST',
      pathPattern: '/oauth2/v2.0/token$',
      status: 429,
      headers: { 'Retry-After': '30' },
      aad: { error: 'temporarily_unavailable', code: 90055 },
    });
    const since = lastSeq(emu);
    const request = { account, scopes: ['User.Read'], forceRefresh: true };
    await assert.rejects(pca.acquireTokenSilent(request), (err: unknown) => {
      assert.ok(err instanceof ServerError);
      assert.ok(!(err instanceof InteractionRequiredAuthError));
      return true;
    });
    await assert.rejects(pca.acquireTokenSilent(request), ServerError);
    const calls = tokenCalls(emu, since);
    assert.equal(calls.length, 1, 'the identical second request is throttled client-side');
    assert.equal(calls[0]?.status, 429);
  });

  void it('rotates refresh tokens; the old one works within the grace period only', async () => {
    const pca = createEmulatorPca(emu);
    await signIn(emu, pca);
    const cache = JSON.parse(pca.getTokenCache().serialize()) as { RefreshToken: Record<string, { secret: string }> };
    const oldRt = Object.values(cache.RefreshToken)[0]!.secret;
    const refresh = (rt: string) =>
      emulatorRequest(emu.caPem, `${emu.authority}/oauth2/v2.0/token`, {
        form: {
          client_id: emu.clientId,
          grant_type: 'refresh_token',
          refresh_token: rt,
          scope: 'User.Read offline_access openid',
        },
      });
    const first = JSON.parse((await refresh(oldRt)).text) as { refresh_token: string };
    assert.ok(first.refresh_token && first.refresh_token !== oldRt);
    assert.equal((await refresh(oldRt)).status, 200, 'within the grace period');
    emu.control.advanceClock(301);
    const late = JSON.parse((await refresh(oldRt)).text) as { error: string; error_codes: number[]; suberror?: string };
    assert.equal(late.error, 'invalid_grant');
    assert.deepEqual(late.error_codes, [9002313]);
    assert.equal(late.suberror, undefined);
    assert.equal((await refresh(first.refresh_token)).status, 200);
  });

  void it('CAE with cp1: a policy change challenges the token at Graph; claims refresh satisfies it, or needs MFA', async () => {
    const pca = createEmulatorPca(emu, { clientCapabilities: ['cp1'] });
    const { result, account } = await signIn(emu, pca);
    const me = (token: string) =>
      emulatorRequest(emu.caPem, `${emu.graphOrigin}/v1.0/me`, { headers: { authorization: `Bearer ${token}` } });
    const verified = emu.verifyAccessToken(`Bearer ${result.accessToken}`);
    assert.deepEqual(verified.ok && verified.claims.xms_cc, ['cp1'], 'MSAL sent xms_cc, the token carries it');
    assert.equal((await me(result.accessToken)).status, 200);

    const challengeOf = async (token: string): Promise<string> => {
      const res = await me(token);
      assert.equal(res.status, 401);
      const b64 = /error="insufficient_claims", claims="([^"]+)"/.exec(res.headers['www-authenticate'] ?? '')?.[1];
      assert.ok(b64, res.headers['www-authenticate']);
      return Buffer.from(b64, 'base64').toString('utf8');
    };
    const oid = account.localAccountId;
    emu.control.setPolicy(oid, { mfaRequired: false });
    const claims = await challengeOf(result.accessToken);
    assert.match((JSON.parse(claims) as { access_token: { nbf: { value: string } } }).access_token.nbf.value, /^\d+$/);

    const since = lastSeq(emu);
    const satisfied = await pca.acquireTokenSilent({ account, scopes: ['User.Read'], claims });
    assert.equal(satisfied.fromCache, false, 'claims skip the cache');
    const sent = JSON.parse(tokenCalls(emu, since)[0]?.form?.claims ?? '{}') as {
      access_token?: { nbf?: unknown; xms_cc?: { values?: string[] } };
    };
    assert.ok(sent.access_token?.nbf, 'the challenge claims are sent');
    assert.deepEqual(sent.access_token?.xms_cc?.values, ['cp1'], 'merged with the client capability');
    assert.equal((await me(satisfied.accessToken)).status, 200);

    emu.control.setPolicy(oid, { mfaRequired: true });
    const mfaClaims = await challengeOf(satisfied.accessToken);
    await assert.rejects(
      pca.acquireTokenSilent({ account, scopes: ['User.Read'], claims: mfaClaims }),
      (err: unknown) => {
        assert.ok(err instanceof InteractionRequiredAuthError);
        assert.equal(err.subError, 'basic_action');
        assert.match(err.errorMessage, /AADSTS50076/);
        assert.ok(
          (JSON.parse(err.claims) as { access_token?: unknown }).access_token,
          'Entra says which claims the new sign-in must satisfy',
        );
        return true;
      },
    );
    const plain = createEmulatorPca(emu);
    emu.control.setPolicy(oid, { mfaRequired: false });
    const { result: nonCae } = await signIn(emu, plain);
    emu.control.setPolicy(oid, { mfaRequired: false });
    assert.equal((await me(nonCae.accessToken)).status, 200, 'without cp1 a policy change is only seen at refresh');
  });

  void it('answers an unknown client with unauthorized_client 700016', async () => {
    const res = await emulatorRequest(emu.caPem, `${emu.authority}/oauth2/v2.0/token`, {
      form: { client_id: '11111111-2222-3333-4444-555555555555', grant_type: 'refresh_token', refresh_token: 'x' },
    });
    const body = JSON.parse(res.text) as { error: string; error_codes: number[]; trace_id: string; timestamp: string };
    assert.equal(res.status, 400);
    assert.equal(body.error, 'unauthorized_client');
    assert.deepEqual(body.error_codes, [700016]);
    assert.equal(res.headers['x-ms-request-id'], body.trace_id);
    assert.match(body.timestamp, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  });
});

export type { AccountInfo };
