import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClock } from '../../emulator/clock.ts';
import type { EntraContext } from '../../emulator/entra/context.ts';
import { mintTokens, verifyAccessToken } from '../../emulator/entra/tokens.ts';
import { DEMO_CLIENT_ID, TENANT_ID, defaultUsers } from '../../emulator/fixtures.ts';
import { createSigningKey, decodeJwt, signJwt, type SigningKey } from '../../emulator/jwt.ts';
import { parseScopes } from '../../emulator/scopes.ts';
import { testEntraContext } from '../../helpers/entra-context.ts';

void describe('emulator tokens: minting and the Graph-side access-token check', () => {
  let key: SigningKey;
  before(async () => {
    key = await createSigningKey();
  });

  function setup() {
    let now = Date.UTC(2026, 0, 1);
    const clock = createClock(() => now);
    const ctx: EntraContext = testEntraContext({ clock, keys: [key] });
    const adele = defaultUsers()[0]!;
    ctx.state.grant(adele.oid, DEMO_CLIENT_ID, ['User.Read', 'Mail.Read']);
    const mint = (scope = 'User.Read openid profile offline_access', nonce?: string, claims?: string) => {
      const parsed = parseScopes(scope);
      assert.ok(parsed.ok);
      return mintTokens(ctx, {
        grant: {
          oid: adele.oid,
          clientId: DEMO_CLIENT_ID,
          scope,
          authTimeMs: now,
          mfa: false,
          ...(nonce ? { nonce } : {}),
        },
        scopes: parsed.scopes,
        clientInfo: true,
        ...(claims ? { claims } : {}),
      });
    };
    return { ctx, adele, mint, tick: (s: number) => (now += s * 1000) };
  }

  void it('mints Entra-shaped responses: all granted scopes, client_info, opaque RT, nonce only when sent', () => {
    const { mint, adele } = setup();
    const body = mint();
    assert.equal(body.scope, 'User.Read Mail.Read profile openid email');
    assert.equal(body.expires_in, 3599);
    assert.equal(body.refresh_token?.split('.').length, 2);
    assert.deepEqual(JSON.parse(Buffer.from(body.client_info!, 'base64url').toString()), {
      uid: adele.oid,
      utid: TENANT_ID,
    });
    const at = decodeJwt(body.access_token)!;
    assert.equal(typeof at.header.nonce, 'string');
    assert.equal(at.payload.aud, '00000003-0000-0000-c000-000000000000');
    assert.equal(at.payload.scp, 'User.Read Mail.Read profile openid email');
    const id = decodeJwt(body.id_token!)!;
    assert.equal('nonce' in id.payload, false);
    assert.equal(decodeJwt(mint(undefined, 'n-1').id_token!)!.payload.nonce, 'n-1');
  });

  void it('accepts a fresh token and applies a 5-minute skew to expiry', () => {
    const { ctx, mint, tick } = setup();
    const header = `Bearer ${mint().access_token}`;
    assert.equal(verifyAccessToken(ctx, header).ok, true);
    tick(3599 + 299);
    assert.equal(verifyAccessToken(ctx, header).ok, true);
    tick(2);
    assert.deepEqual(verifyAccessToken(ctx, header), { ok: false, reason: 'expired' });
  });

  void it('rejects empty, malformed, foreign-audience, foreign-tenant and revoked tokens', () => {
    const { ctx, mint, adele, tick } = setup();
    assert.deepEqual(verifyAccessToken(ctx, undefined), { ok: false, reason: 'empty' });
    assert.deepEqual(verifyAccessToken(ctx, 'Bearer '), { ok: false, reason: 'empty' });
    assert.deepEqual(verifyAccessToken(ctx, 'Bearer abc'), { ok: false, reason: 'malformed' });
    const claims = decodeJwt(mint().access_token)!.payload;
    const uriAud = signJwt({}, { ...claims, aud: 'https://graph.microsoft.com' }, key);
    assert.equal(verifyAccessToken(ctx, `Bearer ${uriAud}`).ok, true);
    const otherAud = signJwt({}, { ...claims, aud: 'api://something-else' }, key);
    assert.deepEqual(verifyAccessToken(ctx, `Bearer ${otherAud}`), { ok: false, reason: 'invalid_audience' });
    const otherTenant = signJwt({}, { ...claims, tid: '00000000-0000-0000-0000-000000000001' }, key);
    assert.deepEqual(verifyAccessToken(ctx, `Bearer ${otherTenant}`), { ok: false, reason: 'invalid_audience' });

    const header = `Bearer ${mint().access_token}`;
    tick(0.2);
    ctx.state.users.get(adele.oid)!.tokensValidFrom = ctx.clock.nowMs();
    assert.deepEqual(verifyAccessToken(ctx, header), { ok: false, reason: 'revoked' });
    tick(0.2);
    assert.equal(verifyAccessToken(ctx, `Bearer ${mint().access_token}`).ok, true, 'issued after the revocation');
  });

  void it('continuous access evaluation: only cp1 tokens are challenged, for revocation and for a policy change', () => {
    const { ctx, mint, adele, tick } = setup();
    const cp1 = JSON.stringify({ access_token: { xms_cc: { values: ['cp1'] } } });
    const caeToken = `Bearer ${mint(undefined, undefined, cp1).access_token}`;
    const plainToken = `Bearer ${mint().access_token}`;
    const user = ctx.state.users.get(adele.oid)!;

    tick(1);
    user.policyChangedAtMs = ctx.clock.nowMs();
    assert.deepEqual(verifyAccessToken(ctx, caeToken), {
      ok: false,
      reason: 'outdated_policy',
      caeNbf: Math.floor(user.policyChangedAtMs / 1000),
    });
    assert.equal(verifyAccessToken(ctx, plainToken).ok, true, 'a non-CAE token lives until it expires');
    tick(1);
    assert.equal(verifyAccessToken(ctx, `Bearer ${mint(undefined, undefined, cp1).access_token}`).ok, true);

    user.tokensValidFrom = ctx.clock.nowMs();
    assert.deepEqual(verifyAccessToken(ctx, caeToken), {
      ok: false,
      reason: 'revoked',
      caeNbf: Math.floor(user.tokensValidFrom / 1000),
    });
    assert.deepEqual(verifyAccessToken(ctx, plainToken), { ok: false, reason: 'revoked' }, 'no claims challenge');
  });
});
