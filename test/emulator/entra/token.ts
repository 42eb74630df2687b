/**
 * `POST /{tenant}/oauth2/v2.0/token` (§4.6): authorization_code (+PKCE), refresh_token (rotation,
 * inactivity, revocation, MFA policy, consent) and device_code (both grant_type spellings).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { aadTimestamp } from '../errors.ts';
import { sendJson } from '../http.ts';
import { parseScopes, scopeErrorName, type ParsedScopes } from '../scopes.ts';
import type { AuthGrantContext } from '../state.ts';
import { type AadErrorSpec, type EntraContext, NO_CACHE_HEADERS, sendAadError } from './context.ts';
import { missingScopes } from './consent.ts';
import { mintTokens } from './tokens.ts';

export interface TokenRequest {
  form: Record<string, string>;
  query: Record<string, string>;
}

type Outcome = { ok: true; grant: AuthGrantContext } | { ok: false; status?: number; error: AadErrorSpec };

const DEFAULT_MFA_CLAIMS = JSON.stringify({
  access_token: { capolids: { essential: true, values: ['5e0bd5e3-7a3b-4a1c-9c7e-3f1d2b4a6c8e'] } },
});

function invalidGrant(code: number, suberror?: string, vars?: Record<string, string>): Outcome {
  const error: AadErrorSpec = { error: 'invalid_grant', code };
  if (suberror !== undefined) error.suberror = suberror;
  if (vars !== undefined) error.vars = vars;
  return { ok: false, error };
}

function pkceMatches(verifier: string | undefined, challenge: string, method: 'S256' | 'plain'): boolean {
  if (verifier === undefined || verifier === '') return false;
  const computed = method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return computed === challenge;
}

function redeemCode(ctx: EntraContext, form: Record<string, string>): Outcome {
  const code = ctx.state.codes.get(form.code ?? '');
  if (!code) return invalidGrant(9002313);
  if (code.redeemed) return invalidGrant(54005);
  if (code.expiresAtMs < ctx.clock.nowMs()) return invalidGrant(70008);
  if (code.clientId !== form.client_id) return invalidGrant(70000, 'client_mismatch');
  if (code.redirectUri !== form.redirect_uri) return invalidGrant(70004);
  if (code.codeChallenge !== undefined) {
    if (!pkceMatches(form.code_verifier, code.codeChallenge, code.codeChallengeMethod ?? 'plain')) {
      return invalidGrant(501481);
    }
  }
  code.redeemed = true;
  return { ok: true, grant: code };
}

function policyError(ctx: EntraContext, oid: string, mfaDone: boolean): Outcome | undefined {
  const policy = ctx.state.users.get(oid)?.policy;
  if (!policy || mfaDone) return undefined;
  const claims = policy.claimsChallenge ?? DEFAULT_MFA_CLAIMS;
  if (policy.mfaEnrollmentRequired)
    return { ok: false, error: { error: 'invalid_grant', code: 50079, suberror: 'basic_action', claims } };
  if (policy.mfaRequired)
    return { ok: false, error: { error: 'invalid_grant', code: 50076, suberror: 'basic_action', claims } };
  return undefined;
}

function redeemRefreshToken(ctx: EntraContext, form: Record<string, string>): Outcome {
  const token = form.refresh_token ?? '';
  const rt = ctx.state.refreshTokens.get(token);
  const now = ctx.clock.nowMs();
  const settings = ctx.state.settings;
  if (!rt) return invalidGrant(9002313);
  if (rt.clientId !== form.client_id) return invalidGrant(70000, 'client_mismatch');
  if (rt.rotatedAtMs !== undefined && now - rt.rotatedAtMs > settings.rtGrace * 1000) return invalidGrant(9002313);
  if (now - rt.lastUsedMs > settings.rtInactivity * 1000) {
    const days = Math.floor(settings.rtInactivity / 86400);
    const rest = new Date((settings.rtInactivity % 86400) * 1000).toISOString().slice(11, 19);
    return invalidGrant(700082, 'bad_token', { issuedAt: aadTimestamp(rt.issuedAtMs), inactivity: `${days}.${rest}` });
  }
  const user = ctx.state.users.get(rt.oid);
  if (!user) return invalidGrant(9002313);
  if (user.tokensValidFrom > rt.issuedAtMs) {
    return invalidGrant(50173, 'bad_token', {
      issuedAt: aadTimestamp(rt.issuedAtMs),
      validFrom: aadTimestamp(user.tokensValidFrom),
    });
  }
  const policy = policyError(ctx, rt.oid, rt.mfa);
  if (policy) return policy;
  return {
    ok: true,
    grant: {
      oid: rt.oid,
      clientId: rt.clientId,
      scope: form.scope ?? '',
      authTimeMs: rt.authTimeMs,
      mfa: rt.mfa,
    },
  };
}

function redeemDeviceCode(ctx: EntraContext, form: Record<string, string>): Outcome {
  const record = ctx.state.deviceCodes.get(form.device_code ?? '');
  if (!record || record.clientId !== form.client_id) {
    return { ok: false, error: { error: 'bad_verification_code', code: 70018 } };
  }
  if (record.status === 'redeemed') return invalidGrant(90120);
  if (record.expiresAtMs < ctx.clock.nowMs()) return { ok: false, error: { error: 'expired_token', code: 70019 } };
  if (record.status === 'declined') return { ok: false, error: { error: 'authorization_declined', code: 65004 } };
  if (record.status === 'pending' || !record.grant) {
    return { ok: false, error: { error: 'authorization_pending', code: 70016 } };
  }
  record.status = 'redeemed';
  return { ok: true, grant: record.grant };
}

function consentError(ctx: EntraContext, grant: AuthGrantContext, scopes: ParsedScopes): Outcome | undefined {
  if (missingScopes(ctx, grant.oid, grant.clientId, scopes).length === 0) return undefined;
  const app = ctx.state.apps.get(grant.clientId);
  return {
    ok: false,
    error: {
      error: 'invalid_grant',
      code: 65001,
      suberror: 'consent_required',
      vars: { clientId: grant.clientId, appName: app?.displayName ?? grant.clientId },
    },
  };
}

export function handleToken(ctx: EntraContext, res: ServerResponse, request: TokenRequest): void {
  const { form, query } = request;
  const correlationId = form['client-request-id'] ?? query['client-request-id'];
  const fail = (status: number, error: AadErrorSpec): void =>
    sendAadError(ctx, res, status, correlationId === undefined ? error : { ...error, correlationId });

  const clientId = form.client_id;
  if (!clientId) return fail(400, { error: 'invalid_request', code: 900144, vars: { parameter: 'client_id' } });
  if (!ctx.state.apps.has(clientId)) {
    return fail(400, { error: 'unauthorized_client', code: 700016, vars: { clientId, tenant: ctx.tenantId } });
  }
  const grantType = form.grant_type ?? '';
  let outcome: Outcome;
  switch (grantType) {
    case 'authorization_code':
      outcome = redeemCode(ctx, form);
      break;
    case 'refresh_token':
      outcome = redeemRefreshToken(ctx, form);
      break;
    case 'device_code':
    case 'urn:ietf:params:oauth:grant-type:device_code':
      outcome = redeemDeviceCode(ctx, form);
      break;
    case '':
      return fail(400, { error: 'invalid_request', code: 900144, vars: { parameter: 'grant_type' } });
    default:
      return fail(400, { error: 'unsupported_grant_type', code: 70003, vars: { grantType } });
  }
  if (!outcome.ok) return fail(outcome.status ?? 400, outcome.error);

  // Scopes of this request: refresh may ask for new ones (another resource too: the RT is
  // multi-resource); a code is redeemed for the `scope` sent with it (its authorize request may have
  // named several resources to consent up front), else the authorized ones; device uses the authorized.
  let scopeText = outcome.grant.scope;
  if (grantType === 'refresh_token') scopeText = form.scope ?? '';
  else if (grantType === 'authorization_code' && (form.scope ?? '').trim() !== '') scopeText = form.scope ?? '';
  // One resource per token (AADSTS28000 otherwise).
  const parsed = parseScopes(scopeText, { apis: ctx.state.apiList(), singleResource: true });
  if (!parsed.ok) {
    return fail(400, {
      error: scopeErrorName(parsed.code),
      code: parsed.code,
      vars: { scope: parsed.scope, tenant: ctx.tenantDomain },
    });
  }
  const consent = consentError(ctx, outcome.grant, parsed.scopes);
  if (consent && !consent.ok) return fail(400, consent.error);

  const body = mintTokens(ctx, {
    grant: outcome.grant,
    scopes: parsed.scopes,
    clientInfo: form.client_info === '1',
    ...(form.claims !== undefined ? { claims: form.claims } : {}),
  });
  if (grantType === 'refresh_token') {
    const old = ctx.state.refreshTokens.get(form.refresh_token ?? '');
    if (old) {
      old.lastUsedMs = ctx.clock.nowMs();
      old.rotatedAtMs ??= ctx.clock.nowMs();
    }
  }
  sendJson(res, 200, body, { ...NO_CACHE_HEADERS, 'x-ms-request-id': randomUUID() });
}
