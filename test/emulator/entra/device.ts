/** `POST /{tenant}/oauth2/v2.0/devicecode` (§4.5) and approving/declining a device code. */
import { randomBytes, randomInt } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson } from '../http.ts';
import { base64url } from '../jwt.ts';
import { parseScopes, scopeErrorName } from '../scopes.ts';
import type { DeviceCodeRecord } from '../state.ts';
import { adminOnlyFor, missingScopes } from './consent.ts';
import { type EntraContext, NO_CACHE_HEADERS, sendAadError } from './context.ts';

const USER_CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function newUserCode(): string {
  let code = '';
  for (let i = 0; i < 9; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return code;
}

export function handleDeviceCode(ctx: EntraContext, res: ServerResponse, form: Record<string, string>): void {
  const clientId = form.client_id;
  if (!clientId) {
    return sendAadError(ctx, res, 400, { error: 'invalid_request', code: 900144, vars: { parameter: 'client_id' } });
  }
  if (!ctx.state.apps.has(clientId)) {
    return sendAadError(ctx, res, 400, {
      error: 'unauthorized_client',
      code: 700016,
      vars: { clientId, tenant: ctx.tenantId },
    });
  }
  // The device flow ends in a token request, so one resource only (28000 otherwise) [unverified here].
  const parsed = parseScopes(form.scope, { apis: ctx.state.apiList(), singleResource: true });
  if (!parsed.ok) {
    return sendAadError(ctx, res, 400, {
      error: scopeErrorName(parsed.code),
      code: parsed.code,
      vars: { scope: parsed.scope, tenant: ctx.tenantDomain },
    });
  }
  const { deviceInterval, deviceExpiresIn } = ctx.state.settings;
  const record: DeviceCodeRecord = {
    deviceCode: `DAQABIQEAAAD${base64url(randomBytes(96))}`,
    userCode: newUserCode(),
    clientId,
    scope: form.scope ?? '',
    expiresAtMs: ctx.clock.nowMs() + deviceExpiresIn * 1000,
    status: 'pending',
  };
  if (form.claims !== undefined) record.claims = form.claims;
  ctx.state.deviceCodes.set(record.deviceCode, record);
  const verificationUri = `${ctx.origin}/devicelogin`;
  sendJson(
    res,
    200,
    {
      user_code: record.userCode,
      device_code: record.deviceCode,
      verification_uri: verificationUri,
      expires_in: deviceExpiresIn,
      interval: deviceInterval,
      message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${record.userCode} to authenticate.`,
    },
    NO_CACHE_HEADERS,
  );
}

export function findByUserCode(ctx: EntraContext, userCode: string): DeviceCodeRecord | undefined {
  const wanted = userCode.trim().toUpperCase();
  for (const r of ctx.state.deviceCodes.values()) if (r.userCode === wanted) return r;
  return undefined;
}

export type DeviceDecision =
  | { ok: true; record: DeviceCodeRecord }
  | {
      ok: false;
      reason:
        'unknown_code' | 'not_pending' | 'expired' | 'unknown_user' | 'consent_required' | 'admin_consent_required';
      scopes?: string[];
    };

/**
 * Approves a pending device code as `oid`. With `consent: 'grant'` missing user-consentable scopes are
 * granted (the /devicelogin page does this after its consent step; the control plane when autoConsent).
 */
export function approveDevice(
  ctx: EntraContext,
  userCode: string,
  input: { oid: string; consent: 'grant' | 'require'; mfa?: boolean; authTimeMs?: number },
): DeviceDecision {
  const record = findByUserCode(ctx, userCode);
  if (!record) return { ok: false, reason: 'unknown_code' };
  if (record.status !== 'pending') return { ok: false, reason: 'not_pending' };
  if (record.expiresAtMs < ctx.clock.nowMs()) return { ok: false, reason: 'expired' };
  const user = ctx.state.users.get(input.oid);
  if (!user) return { ok: false, reason: 'unknown_user' };
  const parsed = parseScopes(record.scope, { apis: ctx.state.apiList() });
  if (parsed.ok) {
    const missing = missingScopes(ctx, input.oid, record.clientId, parsed.scopes);
    const adminOnly = adminOnlyFor(ctx, input.oid, missing);
    if (adminOnly.length > 0) return { ok: false, reason: 'admin_consent_required', scopes: adminOnly };
    if (missing.length > 0 && input.consent === 'require')
      return { ok: false, reason: 'consent_required', scopes: missing };
    ctx.state.grant(input.oid, record.clientId, missing);
  }
  record.status = 'approved';
  record.grant = {
    oid: input.oid,
    clientId: record.clientId,
    scope: record.scope,
    authTimeMs: input.authTimeMs ?? ctx.clock.nowMs(),
    mfa: input.mfa ?? (user.policy.mfaRequired || user.policy.mfaEnrollmentRequired),
  };
  if (record.claims !== undefined) record.grant.claims = record.claims;
  return { ok: true, record };
}

export function declineDevice(ctx: EntraContext, userCode: string): DeviceDecision {
  const record = findByUserCode(ctx, userCode);
  if (!record) return { ok: false, reason: 'unknown_code' };
  if (record.status !== 'pending') return { ok: false, reason: 'not_pending' };
  record.status = 'declined';
  return { ok: true, record };
}
