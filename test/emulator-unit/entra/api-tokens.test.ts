import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClock } from '../../emulator/clock.ts';
import type { EntraContext } from '../../emulator/entra/context.ts';
import { mintTokens, verifyAccessToken, verifyApiAccessToken } from '../../emulator/entra/tokens.ts';
import { DEMO_CLIENT_ID, TENANT_ID, defaultApis, defaultUsers, type EmulatorApi } from '../../emulator/fixtures.ts';
import { createSigningKey, decodeJwt, signJwt, type SigningKey } from '../../emulator/jwt.ts';
import { parseScopes } from '../../emulator/scopes.ts';
import { EmulatorState } from '../../emulator/state.ts';
import { testEntraContext } from '../../helpers/entra-context.ts';

void describe('emulator tokens for a custom API (resource) and the API-side check', () => {
  let key: SigningKey;
  let otherKey: SigningKey;
  before(async () => {
    [key, otherKey] = await Promise.all([createSigningKey(), createSigningKey()]);
  });

  const orders = defaultApis()[0]!;
  const v1Api: EmulatorApi = {
    clientId: '9b8a7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d',
    displayName: 'Legacy API',
    appIdUri: 'https://contoso.example/legacy',
    scopes: [{ value: 'user_impersonation', description: 'Access Legacy API' }],
    accessTokenVersion: 1,
  };

  function setup() {
    let now = Date.UTC(2026, 0, 1);
    const clock = createClock(() => now);
    const ctx: EntraContext = testEntraContext({
      state: new EmulatorState(defaultUsers, undefined, () => [...defaultApis(), v1Api]),
      clock,
      keys: [key],
    });
    const adele = defaultUsers()[0]!;
    ctx.state.grant(adele.oid, DEMO_CLIENT_ID, [
      'User.Read',
      'Mail.Read',
      `${orders.appIdUri}/access_as_user`,
      `${v1Api.appIdUri}/user_impersonation`,
    ]);
    const mint = (scope: string) => {
      const parsed = parseScopes(scope, { apis: ctx.state.apiList(), singleResource: true });
      assert.ok(parsed.ok, JSON.stringify(parsed));
      return mintTokens(ctx, {
        grant: { oid: adele.oid, clientId: DEMO_CLIENT_ID, scope, authTimeMs: now, mfa: false },
        scopes: parsed.scopes,
        clientInfo: true,
      });
    };
    return { ctx, adele, mint, tick: (s: number) => (now += s * 1000) };
  }

  void it('v2 (default): aud = API client id, v2 issuer, azp, scp of that API only; no OIDC echo', () => {
    const { mint, adele, ctx } = setup();
    const body = mint(`${orders.appIdUri}/access_as_user openid profile offline_access`);
    assert.equal(body.scope, `${orders.appIdUri}/access_as_user`, 'only the API scope comes back');
    assert.ok(body.refresh_token && body.id_token && body.client_info, 'RT, id token and client_info as usual');
    const at = decodeJwt(body.access_token)!;
    assert.equal('nonce' in at.header, false, 'a plain JWT (Graph tokens carry a header nonce)');
    assert.equal(at.header.kid, key.kid);
    assert.equal(at.payload.aud, orders.clientId);
    assert.equal(at.payload.iss, `${ctx.origin}/${TENANT_ID}/v2.0`);
    assert.equal(at.payload.ver, '2.0');
    assert.equal(at.payload.scp, 'access_as_user');
    assert.equal(at.payload.azp, DEMO_CLIENT_ID);
    assert.equal(at.payload.preferred_username, adele.upn);
    assert.equal(at.payload.oid, adele.oid);
    assert.equal(at.payload.tid, TENANT_ID);
    assert.notEqual(at.payload.sub, adele.oid, 'pairwise sub');
    assert.equal('upn' in at.payload, false);

    const byGuid = mint(`${orders.clientId}/access_as_user`);
    assert.equal(byGuid.scope, `${orders.clientId}/access_as_user`, "echoed in the request's form");
  });

  void it('v1 API: aud = application ID URI, sts.windows.net issuer, appid and upn', () => {
    const { mint, adele } = setup();
    const at = decodeJwt(mint(`${v1Api.appIdUri}/user_impersonation`).access_token)!;
    assert.equal(at.payload.aud, v1Api.appIdUri);
    assert.equal(at.payload.iss, `https://sts.windows.net/${TENANT_ID}/`);
    assert.equal(at.payload.ver, '1.0');
    assert.equal(at.payload.appid, DEMO_CLIENT_ID);
    assert.equal(at.payload.upn, adele.upn);
    assert.equal(at.payload.scp, 'user_impersonation');
  });

  void it('the response scope follows scopeEcho; Graph tokens never carry API scopes', () => {
    const { mint, ctx } = setup();
    const graph = mint('User.Read openid');
    assert.equal(graph.scope, 'User.Read Mail.Read profile openid email');
    assert.doesNotMatch(decodeJwt(graph.access_token)!.payload.scp as string, /access_as_user/);
    ctx.state.settings.scopeEcho = 'requested';
    assert.equal(mint(`${orders.appIdUri}/access_as_user`).scope, `${orders.appIdUri}/access_as_user`);
  });

  void it('verifyApiAccessToken: signature, audience (client id or URI), tenant, issuer, 5-minute skew', () => {
    const { ctx, mint, tick } = setup();
    const token = mint(`${orders.appIdUri}/access_as_user`).access_token;
    const good = verifyApiAccessToken(ctx, orders, `Bearer ${token}`);
    assert.ok(good.ok && good.claims.aud === orders.clientId && good.claims.scp === 'access_as_user');
    const claims = decodeJwt(token)!.payload;
    const uriAud = signJwt({}, { ...claims, aud: orders.appIdUri }, key);
    assert.equal(verifyApiAccessToken(ctx, orders, `Bearer ${uriAud}`).ok, true, 'the app ID URI is accepted too');

    assert.deepEqual(verifyApiAccessToken(ctx, orders, undefined), { ok: false, reason: 'empty' });
    assert.deepEqual(verifyApiAccessToken(ctx, orders, 'Bearer x.y'), { ok: false, reason: 'malformed' });
    const foreignKey = signJwt({}, claims, otherKey);
    assert.deepEqual(verifyApiAccessToken(ctx, orders, `Bearer ${foreignKey}`), {
      ok: false,
      reason: 'bad_signature',
    });
    const tampered = `${token.split('.')[0]}.${Buffer.from(JSON.stringify({ ...claims, scp: 'x' })).toString('base64url')}.${token.split('.')[2]}`;
    assert.deepEqual(verifyApiAccessToken(ctx, orders, `Bearer ${tampered}`), { ok: false, reason: 'bad_signature' });
    const graphToken = mint('User.Read').access_token;
    assert.deepEqual(verifyApiAccessToken(ctx, orders, `Bearer ${graphToken}`), {
      ok: false,
      reason: 'invalid_audience',
    });
    assert.deepEqual(verifyAccessToken(ctx, `Bearer ${token}`), { ok: false, reason: 'invalid_audience' });
    const v1Token = mint(`${v1Api.appIdUri}/user_impersonation`).access_token;
    assert.deepEqual(verifyApiAccessToken(ctx, orders, `Bearer ${v1Token}`), { ok: false, reason: 'invalid_audience' });
    assert.equal(verifyApiAccessToken(ctx, v1Api, `Bearer ${v1Token}`).ok, true);
    const otherTenant = signJwt({}, { ...claims, tid: '00000000-0000-0000-0000-000000000001' }, key);
    assert.deepEqual(verifyApiAccessToken(ctx, orders, `Bearer ${otherTenant}`), {
      ok: false,
      reason: 'invalid_issuer',
    });
    const otherIssuer = signJwt({}, { ...claims, iss: 'https://evil.example/v2.0' }, key);
    assert.deepEqual(verifyApiAccessToken(ctx, orders, `Bearer ${otherIssuer}`), {
      ok: false,
      reason: 'invalid_issuer',
    });

    tick(3599 + 299);
    assert.equal(verifyApiAccessToken(ctx, orders, `Bearer ${token}`).ok, true);
    tick(2);
    assert.deepEqual(verifyApiAccessToken(ctx, orders, `Bearer ${token}`), { ok: false, reason: 'expired' });
  });
});
