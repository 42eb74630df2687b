import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createVerify } from 'node:crypto';
import {
  createSigningKey,
  decodeJwt,
  publicKeyFromJwk,
  signJwt,
  toJwk,
  verifyJwt,
  type SigningKey,
} from '../emulator/jwt.ts';

void describe('emulator jwt', () => {
  let key: SigningKey;
  let other: SigningKey;
  before(async () => {
    [key, other] = await Promise.all([createSigningKey(), createSigningKey()]);
  });

  void it('signs RS256 tokens whose header carries alg, kid and extra fields (Graph header nonce)', () => {
    const token = signJwt({ nonce: 'abc' }, { sub: 'x', n: 1 }, key);
    const decoded = decodeJwt(token);
    assert.deepEqual(decoded?.header, { typ: 'JWT', nonce: 'abc', alg: 'RS256', kid: key.kid });
    assert.deepEqual(decoded?.payload, { sub: 'x', n: 1 });
    assert.deepEqual(verifyJwt(token, [key]), { ok: true, header: decoded?.header, payload: decoded?.payload });
  });

  void it('verifies with the published JWK like an independent resource server would', () => {
    const token = signJwt({}, { hello: 'world' }, key);
    const [h, p, s] = token.split('.') as [string, string, string];
    const jwk = toJwk(key);
    assert.equal(jwk.kid, key.kid);
    assert.equal(jwk.e, 'AQAB');
    const ok = createVerify('RSA-SHA256')
      .update(`${h}.${p}`)
      .verify(publicKeyFromJwk(jwk), Buffer.from(s, 'base64url'));
    assert.equal(ok, true);
  });

  void it('rejects tampered payloads, unknown kids and wrong algorithms', () => {
    const token = signJwt({}, { scp: 'User.Read' }, key);
    const [h, , s] = token.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ scp: 'Mail.Send' })).toString('base64url')}.${s}`;
    assert.deepEqual(verifyJwt(forged, [key]), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(verifyJwt(token, [other]), { ok: false, reason: 'bad_signature' });
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid: key.kid })).toString('base64url')}.${token.split('.')[1]}.`;
    assert.deepEqual(verifyJwt(none, [key]), { ok: false, reason: 'bad_signature' });
  });

  void it('reports malformed tokens', () => {
    for (const bad of ['', 'a.b', 'a.b.c.d', 'not-json.e30.', `e30.${Buffer.from('[1]').toString('base64url')}.sig`]) {
      assert.deepEqual(verifyJwt(bad, [key]), { ok: false, reason: 'malformed' }, bad);
    }
  });
});
