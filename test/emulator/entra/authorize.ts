/**
 * The browser side of Entra: `GET /{tenant}/oauth2/v2.0/authorize` (§4.4), the sign-in and consent
 * pages (`POST /login`, `POST /consent`), `/devicelogin` (§4.5) and logout (§4.7). One interaction
 * record carries a request through the pages; a session cookie lets a second sign-in skip the password.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { buildAadError } from '../errors.ts';
import { parseCookies, redirect, sendHtml } from '../http.ts';
import { base64url } from '../jwt.ts';
import { apiScopeKey, noScopes, parseScopes, scopeErrorName, type ParsedScopes } from '../scopes.ts';
import type { BrowserSession, Interaction, UserState } from '../state.ts';
import { adminOnlyFor, missingScopes, scopeDescriptions } from './consent.ts';
import type { EntraContext } from './context.ts';
import { approveDevice, declineDevice, findByUserCode } from './device.ts';
import {
  adminApprovalPage,
  consentPage,
  deviceCodeEntryPage,
  deviceDeclinedPage,
  deviceDonePage,
  errorPage,
  formPostPage,
  signedOutPage,
  signInPage,
} from './pages.ts';
import { redirectUriMatches } from './redirect-uri.ts';
import { clientInfo, loginHintOid } from './tokens.ts';

export const SESSION_COOKIE = 'emu_estsauth';
const INTERACTION_TTL_MS = 10 * 60 * 1000;
const CODE_TTL_MS = 10 * 60 * 1000;

interface Step {
  ctx: EntraContext;
  req: IncomingMessage;
  res: ServerResponse;
  /** Extra response headers (Set-Cookie after sign-in). */
  headers: Record<string, string>;
}

function appName(ctx: EntraContext, clientId: string): string {
  return ctx.state.apps.get(clientId)?.displayName ?? clientId;
}

function currentSession(step: Step): BrowserSession | undefined {
  const id = parseCookies(step.req)[SESSION_COOKIE];
  return id === undefined ? undefined : step.ctx.state.sessions.get(id);
}

function resolveHint(ctx: EntraContext, hint: string | undefined): UserState | undefined {
  if (!hint) return undefined;
  const oid = loginHintOid(hint);
  return ctx.state.findUser(oid ?? hint);
}

// ---------------------------------------------------------------------------------------------
// Responses back to the client (authorize) or the device page.

function respondToClient(step: Step, ix: Interaction, fields: Record<string, string>): void {
  const p = ix.params;
  const redirectUri = p.redirect_uri ?? '';
  const all: Record<string, string> = { ...fields };
  if (p.state !== undefined) all.state = p.state;
  const mode = p.response_mode ?? 'query';
  if (mode === 'form_post') return sendHtml(step.res, 200, formPostPage(redirectUri, all), step.headers);
  const url = new URL(redirectUri);
  const qs = new URLSearchParams(all).toString();
  if (mode === 'fragment') url.hash = qs;
  else url.search = qs;
  redirect(step.res, url.toString(), step.headers);
}

interface AuthorizeError {
  error: string;
  code: number;
  vars?: Record<string, string>;
  suberror?: string;
}

function fail(step: Step, ix: Interaction, err: AuthorizeError): void {
  step.ctx.state.interactions.delete(ix.id);
  if (ix.kind === 'device') {
    if (ix.deviceCode) declineDevice(step.ctx, findUserCode(step.ctx, ix.deviceCode));
    return sendHtml(step.res, 200, deviceDeclinedPage(appName(step.ctx, ix.clientId)), step.headers);
  }
  const body = buildAadError({
    error: err.error,
    code: err.code,
    ...(err.vars ? { vars: err.vars } : {}),
    ...(ix.params['client-request-id'] ? { correlationId: ix.params['client-request-id'] } : {}),
    nowMs: step.ctx.clock.nowMs(),
    origin: step.ctx.origin,
  });
  const fields: Record<string, string> = {
    error: body.error,
    error_description: body.error_description,
    error_uri: body.error_uri,
  };
  if (err.suberror) fields.suberror = err.suberror;
  respondToClient(step, ix, fields);
}

function findUserCode(ctx: EntraContext, deviceCode: string): string {
  return ctx.state.deviceCodes.get(deviceCode)?.userCode ?? '';
}

// ---------------------------------------------------------------------------------------------
// The interaction state machine: who → consent → code.

function requestedScopes(ctx: EntraContext, ix: Interaction): ParsedScopes {
  const parsed = parseScopes(ix.scope, { apis: ctx.state.apiList() });
  return parsed.ok ? parsed.scopes : noScopes();
}

/** `prompt=consent` re-asks for every named scope of the request (not `/.default`). */
function namedScopeKeys(scopes: ParsedScopes): string[] {
  return [...scopes.graph, ...scopes.apis.flatMap((a) => a.names.map((n) => apiScopeKey(a.api, n)))];
}

function showSignIn(step: Step, ix: Interaction, username?: string, error?: string): void {
  const hinted = resolveHint(step.ctx, ix.params.login_hint)?.user.upn ?? ix.params.login_hint;
  const page = signInPage({
    interactionId: ix.id,
    appName: appName(step.ctx, ix.clientId),
    ...((username ?? hinted) ? { username: username ?? hinted } : {}),
    ...(error ? { error } : {}),
  });
  sendHtml(step.res, 200, page, step.headers);
}

function signInAs(step: Step, ix: Interaction, user: UserState): void {
  const now = step.ctx.clock.nowMs();
  const session: BrowserSession = {
    id: base64url(randomBytes(24)),
    oid: user.user.oid,
    authTimeMs: now,
    mfa: user.policy.mfaRequired || user.policy.mfaEnrollmentRequired,
  };
  step.ctx.state.sessions.set(session.id, session);
  step.headers['Set-Cookie'] = `${SESSION_COOKIE}=${session.id}; Path=/; Secure; HttpOnly; SameSite=None`;
  ix.oid = session.oid;
  ix.mfa = session.mfa;
  ix.authTimeMs = session.authTimeMs;
}

/** Decides the user; returns false when a page was rendered or an error sent. */
function identify(step: Step, ix: Interaction): boolean {
  if (ix.oid !== undefined) return true;
  const { ctx } = step;
  const prompt = ix.params.prompt;
  const hinted = resolveHint(ctx, ix.params.login_hint);
  const session = currentSession(step);
  const sessionUsable =
    session !== undefined &&
    prompt !== 'login' &&
    prompt !== 'select_account' &&
    (hinted === undefined || hinted.user.oid === session.oid) &&
    ctx.state.users.has(session.oid);
  if (sessionUsable) {
    ix.oid = session.oid;
    ix.mfa = session.mfa;
    ix.authTimeMs = session.authTimeMs;
    return true;
  }
  if (prompt === 'none') {
    fail(step, ix, { error: 'login_required', code: 50058 });
    return false;
  }
  if (ctx.state.settings.interactiveMode === 'auto') {
    const user = hinted ?? ctx.state.findUser(ctx.state.settings.currentUser);
    if (!user) {
      fail(step, ix, { error: 'invalid_request', code: 50126 });
      return false;
    }
    signInAs(step, ix, user);
    return true;
  }
  showSignIn(step, ix);
  return false;
}

/** Consent step; returns false when a page was rendered or an error sent. */
function consent(step: Step, ix: Interaction): boolean {
  const { ctx } = step;
  const oid = ix.oid ?? '';
  const scopes = requestedScopes(ctx, ix);
  let missing = missingScopes(ctx, oid, ix.clientId, scopes);
  if (ix.params.prompt === 'consent' && !ix.consentDone) {
    missing = [...new Set([...namedScopeKeys(scopes), ...missing])];
  }
  if (missing.length === 0 || ix.consentDone) return true;
  const upn = ctx.state.users.get(oid)?.user.upn ?? '';
  const adminOnly = adminOnlyFor(ctx, oid, missing);
  const page = {
    interactionId: ix.id,
    appName: appName(ctx, ix.clientId),
    userUpn: upn,
    scopes: missing,
    descriptions: scopeDescriptions(ctx, missing),
  };
  if (ix.params.prompt === 'none') {
    fail(step, ix, {
      error: 'consent_required',
      code: 65001,
      vars: { clientId: ix.clientId, appName: page.appName },
    });
    return false;
  }
  if (ctx.state.settings.interactiveMode === 'auto') {
    if (adminOnly.length > 0) {
      fail(step, ix, { error: 'consent_required', code: 90094 });
      return false;
    }
    if (!ctx.state.settings.autoConsent) {
      fail(step, ix, { error: 'access_denied', code: 65004 });
      return false;
    }
    ctx.state.grant(oid, ix.clientId, missing);
    return true;
  }
  sendHtml(step.res, 200, adminOnly.length > 0 ? adminApprovalPage(page) : consentPage(page), step.headers);
  return false;
}

function complete(step: Step, ix: Interaction): void {
  const { ctx } = step;
  ctx.state.interactions.delete(ix.id);
  const oid = ix.oid ?? '';
  const authTimeMs = ix.authTimeMs ?? ctx.clock.nowMs();
  const mfa = ix.mfa ?? false;
  if (ix.kind === 'device') {
    const userCode = findUserCode(ctx, ix.deviceCode ?? '');
    const result = approveDevice(ctx, userCode, { oid, consent: 'grant', mfa, authTimeMs });
    const page = result.ok
      ? deviceDonePage(appName(ctx, ix.clientId))
      : errorPage('Sign-in failed', `The code could not be approved (${result.reason}).`);
    return sendHtml(step.res, 200, page, step.headers);
  }
  const p = ix.params;
  const code = base64url(randomBytes(48));
  const method = p.code_challenge_method === 'S256' ? 'S256' : 'plain';
  ctx.state.codes.set(code, {
    oid,
    clientId: ix.clientId,
    scope: ix.scope,
    authTimeMs,
    mfa,
    redirectUri: p.redirect_uri ?? '',
    ...(p.code_challenge ? { codeChallenge: p.code_challenge, codeChallengeMethod: method } : {}),
    ...(p.nonce !== undefined ? { nonce: p.nonce } : {}),
    ...(p.claims !== undefined ? { claims: p.claims } : {}),
    expiresAtMs: ctx.clock.nowMs() + CODE_TTL_MS,
    redeemed: false,
  });
  const fields: Record<string, string> = { code };
  if (p.client_info === '1') fields.client_info = clientInfo(oid, ctx.tenantId);
  fields.session_state = randomUUID();
  respondToClient(step, ix, fields);
}

function advance(step: Step, ix: Interaction): void {
  if (!identify(step, ix)) return;
  if (!consent(step, ix)) return;
  complete(step, ix);
}

// ---------------------------------------------------------------------------------------------
// Endpoints.

export function handleAuthorize(
  ctx: EntraContext,
  req: IncomingMessage,
  res: ServerResponse,
  input: { tenantSegment: string; params: Record<string, string> },
): void {
  const step: Step = { ctx, req, res, headers: {} };
  const p = input.params;
  const clientId = p.client_id ?? '';
  const app = ctx.state.apps.get(clientId);
  if (!app) {
    const text = buildAadError({
      error: 'unauthorized_client',
      code: 700016,
      vars: { clientId, tenant: ctx.tenantId },
      nowMs: ctx.clock.nowMs(),
      origin: ctx.origin,
    }).error_description;
    return sendHtml(res, 400, errorPage("Sorry, but we're having trouble signing you in.", text));
  }
  const redirectUri = p.redirect_uri ?? '';
  if (!app.redirectUris.some((r) => redirectUriMatches(r, redirectUri))) {
    const text = buildAadError({
      error: 'invalid_request',
      code: 50011,
      vars: { clientId, redirectUri },
      nowMs: ctx.clock.nowMs(),
      origin: ctx.origin,
    }).error_description;
    return sendHtml(res, 400, errorPage("Sorry, but we're having trouble signing you in.", text));
  }
  const ix: Interaction = {
    id: base64url(randomBytes(18)),
    kind: 'authorize',
    tenantSegment: input.tenantSegment,
    clientId,
    scope: p.scope ?? '',
    params: p,
    expiresAtMs: ctx.clock.nowMs() + INTERACTION_TTL_MS,
  };
  if (p.response_type !== 'code') {
    return fail(step, ix, { error: 'unsupported_response_type', code: 9002313 });
  }
  // Several resources are fine here (consent to all of them up front); /token issues one per request.
  const parsed = parseScopes(p.scope, { apis: ctx.state.apiList() });
  if (!parsed.ok) {
    return fail(step, ix, {
      error: scopeErrorName(parsed.code),
      code: parsed.code,
      vars: { scope: parsed.scope, tenant: ctx.tenantDomain },
    });
  }
  if (p.code_challenge_method !== undefined && !['S256', 'plain'].includes(p.code_challenge_method)) {
    return fail(step, ix, { error: 'invalid_request', code: 9002313 });
  }
  ctx.state.interactions.set(ix.id, ix);
  advance(step, ix);
}

function takeInteraction(step: Step, id: string | undefined): Interaction | undefined {
  const ix = id === undefined ? undefined : step.ctx.state.interactions.get(id);
  if (!ix || ix.expiresAtMs < step.ctx.clock.nowMs()) {
    sendHtml(
      step.res,
      400,
      errorPage('Session expired', 'This sign-in request has expired. Start again from the app.'),
    );
    return undefined;
  }
  return ix;
}

/** `POST /login` — username + password from the sign-in page. */
export function handleLoginPost(
  ctx: EntraContext,
  req: IncomingMessage,
  res: ServerResponse,
  form: Record<string, string>,
): void {
  const step: Step = { ctx, req, res, headers: {} };
  const ix = takeInteraction(step, form.ix);
  if (!ix) return;
  const user = ctx.state.findUser(form.username ?? '');
  if (!user) {
    return showSignIn(step, ix, form.username, 'This username may be incorrect. Make sure you typed it correctly.');
  }
  if (user.user.password !== form.password) {
    return showSignIn(
      step,
      ix,
      form.username,
      "Your account or password is incorrect. If you don't remember your password, reset it now.",
    );
  }
  signInAs(step, ix, user);
  advance(step, ix);
}

/** `POST /consent` — Accept or Cancel on the consent / admin-approval page. */
export function handleConsentPost(
  ctx: EntraContext,
  req: IncomingMessage,
  res: ServerResponse,
  form: Record<string, string>,
): void {
  const step: Step = { ctx, req, res, headers: {} };
  const ix = takeInteraction(step, form.ix);
  if (!ix || ix.oid === undefined) {
    if (ix) sendHtml(res, 400, errorPage('Sign-in required', 'Sign in before consenting.'));
    return;
  }
  const scopes = requestedScopes(ctx, ix);
  const missing = missingScopes(ctx, ix.oid, ix.clientId, scopes);
  const adminOnly = adminOnlyFor(ctx, ix.oid, missing);
  if (form.decision !== 'accept') {
    if (adminOnly.length > 0) return fail(step, ix, { error: 'consent_required', code: 90094 });
    return fail(step, ix, { error: 'access_denied', code: 65004 });
  }
  if (adminOnly.length > 0) return fail(step, ix, { error: 'consent_required', code: 90094 });
  ctx.state.grant(ix.oid, ix.clientId, missing);
  ix.consentDone = true;
  advance(step, ix);
}

/** `GET /devicelogin` shows the code form; `POST /devicelogin` starts the interaction for a code. */
export function handleDeviceLogin(
  ctx: EntraContext,
  req: IncomingMessage,
  res: ServerResponse,
  form: Record<string, string> | undefined,
): void {
  if (!form) return sendHtml(res, 200, deviceCodeEntryPage());
  const record = findByUserCode(ctx, form.otc ?? '');
  if (!record || record.status !== 'pending' || record.expiresAtMs < ctx.clock.nowMs()) {
    return sendHtml(res, 200, deviceCodeEntryPage("That code didn't work. Check the code and try again."));
  }
  const step: Step = { ctx, req, res, headers: {} };
  const ix: Interaction = {
    id: base64url(randomBytes(18)),
    kind: 'device',
    tenantSegment: 'organizations',
    clientId: record.clientId,
    scope: record.scope,
    params: {},
    deviceCode: record.deviceCode,
    expiresAtMs: ctx.clock.nowMs() + INTERACTION_TTL_MS,
  };
  ctx.state.interactions.set(ix.id, ix);
  advance(step, ix);
}

/** `GET /{tenant}/oauth2/v2.0/logout` — ends the browser session. */
export function handleLogout(
  ctx: EntraContext,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
): void {
  const id = parseCookies(req)[SESSION_COOKIE];
  if (id !== undefined) ctx.state.sessions.delete(id);
  const headers = { 'Set-Cookie': `${SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=None; Max-Age=0` };
  const target = params.post_logout_redirect_uri;
  if (target) return redirect(res, target, headers);
  sendHtml(res, 200, signedOutPage(), headers);
}
