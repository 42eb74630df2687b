/**
 * Compact RS256 JWTs with node:crypto: signing (id tokens, Graph access tokens) and verification
 * (the Graph half checks access tokens with it). No third-party JOSE library.
 */
import { createPublicKey, generateKeyPair, createHash, sign, verify, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

export function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

export function base64urlJson(value: unknown): string {
  return base64url(JSON.stringify(value));
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface Jwk {
  kty: 'RSA';
  use: 'sig';
  kid: string;
  x5t: string;
  n: string;
  e: string;
}

const generateKeyPairAsync = promisify(generateKeyPair);

export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const kid = createHash('sha1').update(der).digest('base64url');
  return { kid, privateKey, publicKey };
}

export function toJwk(key: SigningKey): Jwk {
  const jwk = key.publicKey.export({ format: 'jwk' });
  return { kty: 'RSA', use: 'sig', kid: key.kid, x5t: key.kid, n: String(jwk.n), e: String(jwk.e) };
}

export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: SigningKey): string {
  const fullHeader = { typ: 'JWT', ...header, alg: 'RS256', kid: key.kid };
  const signingInput = `${base64urlJson(fullHeader)}.${base64urlJson(payload)}`;
  const signature = sign('sha256', Buffer.from(signingInput), key.privateKey);
  return `${signingInput}.${base64url(signature)}`;
}

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

function parseJsonObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Splits and decodes a compact JWT without checking the signature; undefined if malformed. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [h = '', p = '', s = ''] = parts;
  const header = parseJsonObject(h);
  const payload = parseJsonObject(p);
  if (!header || !payload || !/^[A-Za-z0-9_-]*$/.test(s)) return undefined;
  return { header, payload, signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
}

export type JwtCheck =
  | { ok: true; header: Record<string, unknown>; payload: Record<string, unknown> }
  | { ok: false; reason: 'malformed' | 'bad_signature' };

/** Decodes and verifies an RS256 JWT against the key whose `kid` the header names. */
export function verifyJwt(token: string, keys: readonly SigningKey[]): JwtCheck {
  const decoded = decodeJwt(token);
  if (!decoded) return { ok: false, reason: 'malformed' };
  if (decoded.header.alg !== 'RS256') return { ok: false, reason: 'bad_signature' };
  const key = keys.find((k) => k.kid === decoded.header.kid);
  if (!key) return { ok: false, reason: 'bad_signature' };
  const good = verify('sha256', Buffer.from(decoded.signingInput), key.publicKey, decoded.signature);
  return good ? { ok: true, header: decoded.header, payload: decoded.payload } : { ok: false, reason: 'bad_signature' };
}

/** Public key from a JWK (tests verify tokens the way a resource server would: via /keys). */
export function publicKeyFromJwk(jwk: Jwk): KeyObject {
  return createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
}
