/**
 * The test-only control plane (spec §11): an in-process API (`RunningEmulator.control`) and the same
 * operations over HTTP at `/_emulator/*` on the Entra origin, guarded by `x-emulator-key`.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { approveDevice, declineDevice, type DeviceDecision } from './entra/device.ts';
import type { EntraContext } from './entra/context.ts';
import { createFault, faultSpecSchema, type FaultInput } from './faults.ts';
import type { EmulatorApi, EmulatorApp } from './fixtures.ts';
import { parseJson, sendJson } from './http.ts';
import type { RedirectTargetRequest } from './redirect-target.ts';
import { createSigningKey } from './jwt.ts';
import { apiScopeKey, canonicalGraphScope, parseScopes } from './scopes.ts';
import type { EmulatorSettings, UserPolicy } from './state.ts';
import type { EmulatorUser, GraphService, RequestLogEntry } from './types.ts';

export const CONTROL_KEY_HEADER = 'x-emulator-key';

export const settingsPatchSchema = z
  .object({
    interactiveMode: z.enum(['auto', 'page']),
    autoConsent: z.boolean(),
    currentUser: z.string().min(1),
    tokenLifetime: z.number().int().positive(),
    rtInactivity: z.number().int().positive(),
    rtGrace: z.number().int().min(0),
    deviceInterval: z.number().int().positive(),
    deviceExpiresIn: z.number().int().positive(),
    scopeEcho: z.enum(['granted', 'requested']),
  })
  .partial()
  .strict();

export const userSchema = z.object({
  oid: z.string().uuid(),
  upn: z.string().min(3),
  password: z.string().min(1),
  displayName: z.string().min(1),
  givenName: z.string(),
  surname: z.string(),
  mail: z.string(),
  jobTitle: z.string().optional(),
  department: z.string().optional(),
  officeLocation: z.string().optional(),
  isAdmin: z.boolean().optional(),
});

export const appSchema = z.object({
  clientId: z.string().min(1),
  displayName: z.string().min(1),
  publicClient: z.boolean().default(true),
  redirectUris: z.array(z.string()).default(['http://localhost']),
  requiredScopes: z.array(z.string()).default(['User.Read']),
});

const scopeValue = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a scope value is letters, digits, dots, dashes and underscores')
  .max(120)
  .refine((v) => v.toLowerCase() !== '.default', 'the scope value .default is reserved');

/** `POST /_emulator/apis`: an app registration that exposes an API. */
export const apiSchema = z
  .object({
    clientId: z.string().uuid().optional(),
    displayName: z.string().min(1).default('Custom API'),
    /** Default `api://<clientId>`. */
    appIdUri: z
      .string()
      .regex(/^(api:\/\/|https:\/\/)[^\s]+[^/\s]$/, 'an application ID URI is api://… or https://… (no trailing /)')
      .optional(),
    scopes: z
      .array(
        z.object({ value: scopeValue, description: z.string().min(1).optional(), adminOnly: z.boolean().optional() }),
      )
      .min(1)
      .default([{ value: 'access_as_user' }]),
    accessTokenVersion: z.union([z.literal(1), z.literal(2)]).default(2),
  })
  .strict();
export type ApiInput = z.input<typeof apiSchema>;

export const policySchema = z
  .object({ mfaRequired: z.boolean(), mfaEnrollmentRequired: z.boolean(), claimsChallenge: z.string() })
  .partial()
  .strict();

const grantBodySchema = z.object({ scopes: z.array(z.string()) });
const clockBodySchema = z.object({ advanceSeconds: z.number() });
const requestHostSchema = z.enum(['entra', 'graph', 'api']).optional();
const deviceBodySchema = z.object({ action: z.enum(['approve', 'decline']), user: z.string().optional() });

export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface PendingDeviceCode {
  userCode: string;
  clientId: string;
  scope: string;
  status: string;
}

/** Typed twin of the HTTP control plane. */
export interface EmulatorControl {
  reset(): void;
  /** Request log after `since`, optionally of one origin (`api` = what reached the protected demo API). */
  requests(since?: number, host?: RequestLogEntry['host']): RequestLogEntry[];
  advanceClock(seconds: number): void;
  addUser(user: EmulatorUser): void;
  addApp(app: EmulatorApp): void;
  /**
   * Registers an app that exposes an API (random client id and `api://<clientId>` unless given);
   * its scopes are then requestable as `<appIdUri>/<value>` or `<clientId>/<value>`.
   */
  addApi(api: ApiInput): EmulatorApi;
  apis(): EmulatorApi[];
  /**
   * Replaces the (user, client) grant; scopes are Graph permission names (short or URI form) and/or
   * custom-API scopes (`api://…/access_as_user` or `<api client id>/access_as_user`).
   */
  setGrant(oid: string, clientId: string, scopes: readonly string[]): void;
  deleteGrant(oid: string, clientId: string): void;
  grants(oid: string): Record<string, string[]>;
  /**
   * `tokensValidFrom = now` and browser sessions ended (→ 50173 on refresh; at Graph a CAE claims
   * challenge for cp1 tokens, a plain 401 for others).
   */
  revokeSessions(oid: string): void;
  /**
   * A Conditional Access change for the user: cp1 access tokens issued before it get a CAE claims
   * challenge at Graph (TokenCreatedWithOutdatedPolicies); a refresh (with the challenge's claims)
   * then succeeds unless the new policy needs MFA the session lacks (→ 50076/50079 + claims).
   */
  setPolicy(oid: string, policy: Partial<UserPolicy>): void;
  /** Approve (as `user`, default the settings' currentUser) or decline a device code. */
  device(userCode: string, action: 'approve' | 'decline', user?: string): DeviceDecision;
  deviceCodes(): PendingDeviceCode[];
  settings(patch?: Partial<EmulatorSettings>): EmulatorSettings;
  addFault(fault: FaultInput): number;
  clearFaults(): void;
  /** Lets requests kept by `hold` faults go on (their fault's other effects, or the normal answer). */
  releaseHeld(): number;
  /** What the redirect target's listeners received (with each request's Authorization header). */
  redirectTargetRequests(): RedirectTargetRequest[];
  /** New signing key; the previous one stays in JWKS and still verifies. */
  rotateSigningKey(): Promise<string>;
}

function userOrThrow(ctx: EntraContext, idOrUpn: string) {
  const user = ctx.state.findUser(idOrUpn);
  if (!user) throw new ControlError(404, 'unknown_user', `No user '${idOrUpn}' in the emulated tenant.`);
  return user;
}

/**
 * `resettable`: other services reset with the emulator (the protected demo API's orders, the
 * redirect target's log); `redirectTarget`: the listeners `redirect` faults point at.
 */
export function createControl(
  ctx: EntraContext,
  graph: GraphService,
  resettable: readonly { reset(): void }[] = [],
  redirectTarget?: { requests(): RedirectTargetRequest[] },
): EmulatorControl {
  const { state } = ctx;
  return {
    reset() {
      state.reset();
      graph.reset();
      for (const r of resettable) r.reset();
    },
    requests(since = 0, host) {
      return state.log.filter((e) => e.seq > since && (host === undefined || e.host === host));
    },
    advanceClock(seconds) {
      ctx.clock.advance(seconds);
    },
    addUser(user) {
      state.addUser(userSchema.parse(user));
    },
    addApp(app) {
      const parsed = appSchema.parse(app);
      state.apps.set(parsed.clientId, parsed);
    },
    addApi(input) {
      const parsed = apiSchema.parse(input);
      const clientId = (parsed.clientId ?? randomUUID()).toLowerCase();
      const appIdUri = parsed.appIdUri ?? `api://${clientId}`;
      const clash = [...state.apis.values()].find(
        (a) => a.clientId !== clientId && a.appIdUri.toLowerCase() === appIdUri.toLowerCase(),
      );
      if (clash)
        throw new ControlError(409, 'app_id_uri_in_use', `${appIdUri} is already used by ${clash.displayName}.`);
      if (/^https:\/\/graph\.microsoft\.com/i.test(appIdUri) || state.apps.has(clientId)) {
        throw new ControlError(
          409,
          'reserved',
          `${appIdUri} / ${clientId} is taken by Microsoft Graph or a client app.`,
        );
      }
      const api: EmulatorApi = {
        clientId,
        displayName: parsed.displayName,
        appIdUri,
        scopes: parsed.scopes.map((s) => ({
          value: s.value,
          description: s.description ?? `Access ${parsed.displayName} as you`,
          ...(s.adminOnly !== undefined ? { adminOnly: s.adminOnly } : {}),
        })),
        accessTokenVersion: parsed.accessTokenVersion,
      };
      state.apis.set(clientId, api);
      return api;
    },
    apis() {
      return state.apiList();
    },
    setGrant(oid, clientId, scopes) {
      const user = userOrThrow(ctx, oid);
      const names = scopes.flatMap((s) => {
        const c = canonicalGraphScope(s.replace(/^https:\/\/graph\.microsoft\.com\//i, ''));
        if (c) return [c];
        const parsed = parseScopes(s, { apis: state.apiList() });
        const api = parsed.ok ? parsed.scopes.apis[0] : undefined;
        if (!api || api.isDefault) {
          throw new ControlError(
            400,
            'unknown_scope',
            `Unknown scope '${s}' (not a Graph scope nor a registered API's).`,
          );
        }
        return api.names.map((n) => apiScopeKey(api.api, n));
      });
      user.grants.set(clientId, new Set(names));
    },
    deleteGrant(oid, clientId) {
      userOrThrow(ctx, oid).grants.delete(clientId);
    },
    grants(oid) {
      const user = userOrThrow(ctx, oid);
      return Object.fromEntries([...user.grants].map(([k, v]) => [k, [...v]]));
    },
    revokeSessions(oid) {
      const user = userOrThrow(ctx, oid);
      user.tokensValidFrom = ctx.clock.nowMs();
      for (const [id, s] of state.sessions) if (s.oid === user.user.oid) state.sessions.delete(id);
    },
    setPolicy(oid, policy) {
      const user = userOrThrow(ctx, oid);
      user.policy = { ...user.policy, ...policySchema.parse(policy) };
      user.policyChangedAtMs = ctx.clock.nowMs();
    },
    device(userCode, action, user) {
      if (action === 'decline') return declineDevice(ctx, userCode);
      const who = userOrThrow(ctx, user ?? state.settings.currentUser);
      return approveDevice(ctx, userCode, {
        oid: who.user.oid,
        consent: state.settings.autoConsent ? 'grant' : 'require',
      });
    },
    deviceCodes() {
      return [...state.deviceCodes.values()].map((r) => ({
        userCode: r.userCode,
        clientId: r.clientId,
        scope: r.scope,
        status: r.status,
      }));
    },
    settings(patch) {
      if (patch) state.settings = { ...state.settings, ...settingsPatchSchema.parse(patch) };
      return { ...state.settings };
    },
    addFault(fault) {
      const f = createFault(faultSpecSchema.parse(fault), ++state.faultSeq);
      state.faults.push(f);
      return f.id;
    },
    clearFaults() {
      state.faults = [];
    },
    releaseHeld() {
      const held = [...state.held];
      for (const release of held) release();
      return held.length;
    },
    redirectTargetRequests() {
      return redirectTarget?.requests() ?? [];
    },
    async rotateSigningKey() {
      const key = await createSigningKey();
      ctx.keys.unshift(key);
      ctx.keys.splice(2);
      return key.kid;
    },
  };
}

function keyMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function ok(res: ServerResponse, body: unknown = { ok: true }): void {
  sendJson(res, 200, body);
}

/** Routes `/_emulator/*`. */
export function handleControlHttp(
  control: EmulatorControl,
  key: string,
  req: IncomingMessage,
  res: ServerResponse,
  input: { path: string; query: URLSearchParams; body: Buffer },
): void {
  if (!keyMatches(key, req.headers[CONTROL_KEY_HEADER])) {
    return sendJson(res, 401, {
      error: {
        code: 'unauthorized',
        message: `Send the control key (printed at start) in the ${CONTROL_KEY_HEADER} header.`,
      },
    });
  }
  const method = req.method ?? 'GET';
  const seg = input.path.split('/').filter(Boolean).slice(1).map(decodeURIComponent);
  const json = parseJson(input.body) ?? {};
  try {
    const [a, b, c, d] = seg;
    if (method === 'POST' && a === 'reset' && !b) return ok(res, (control.reset(), { ok: true }));
    if (method === 'GET' && a === 'requests') {
      const host = requestHostSchema.parse(input.query.get('host') ?? undefined);
      return ok(res, control.requests(Number(input.query.get('since') ?? 0), host));
    }
    if (method === 'POST' && a === 'clock') {
      control.advanceClock(clockBodySchema.parse(json).advanceSeconds);
      return ok(res);
    }
    if (method === 'POST' && a === 'users' && !b)
      return ok(res, (control.addUser(userSchema.parse(json)), { ok: true }));
    if (method === 'POST' && a === 'apps' && !b) return ok(res, (control.addApp(appSchema.parse(json)), { ok: true }));
    if (a === 'apis' && !b) {
      if (method === 'POST') return ok(res, control.addApi(apiSchema.parse(json)));
      if (method === 'GET') return ok(res, control.apis());
    }
    if (a === 'users' && b && c === 'grants' && d) {
      if (method === 'PUT') return ok(res, (control.setGrant(b, d, grantBodySchema.parse(json).scopes), { ok: true }));
      if (method === 'DELETE') return ok(res, (control.deleteGrant(b, d), { ok: true }));
    }
    if (method === 'GET' && a === 'users' && b && c === 'grants' && !d) return ok(res, control.grants(b));
    if (method === 'POST' && a === 'users' && b && c === 'revoke')
      return ok(res, (control.revokeSessions(b), { ok: true }));
    if (method === 'PUT' && a === 'users' && b && c === 'policy') {
      return ok(res, (control.setPolicy(b, policySchema.parse(json)), { ok: true }));
    }
    if (method === 'GET' && a === 'device' && !b) return ok(res, control.deviceCodes());
    if (method === 'POST' && a === 'device' && b) {
      const body = deviceBodySchema.parse(json);
      const result = control.device(b, body.action, body.user);
      return result.ok
        ? ok(res)
        : sendJson(res, 409, {
            error: { code: result.reason, message: `Device code ${b}: ${result.reason}`, scopes: result.scopes },
          });
    }
    if (a === 'settings' && !b) {
      if (method === 'GET') return ok(res, control.settings());
      if (method === 'PUT') return ok(res, control.settings(settingsPatchSchema.parse(json)));
    }
    if (a === 'faults' && !b) {
      if (method === 'POST') return ok(res, { id: control.addFault(faultSpecSchema.parse(json)) });
      if (method === 'DELETE') return ok(res, (control.clearFaults(), { ok: true }));
    }
    if (method === 'POST' && a === 'held' && b === 'release' && !c) return ok(res, { released: control.releaseHeld() });
    if (method === 'GET' && a === 'redirect-target' && b === 'requests' && !c)
      return ok(res, control.redirectTargetRequests());
    if (method === 'POST' && a === 'keys' && b === 'rotate') {
      control.rotateSigningKey().then(
        (kid) => ok(res, { kid }),
        (err: unknown) => sendJson(res, 500, { error: { code: 'rotate_failed', message: String(err) } }),
      );
      return;
    }
    sendJson(res, 404, { error: { code: 'not_found', message: `No control route ${method} ${input.path}` } });
  } catch (err: unknown) {
    if (err instanceof ControlError)
      return sendJson(res, err.status, { error: { code: err.code, message: err.message } });
    if (err instanceof z.ZodError)
      return sendJson(res, 400, { error: { code: 'invalid_body', message: z.prettifyError(err) } });
    throw err;
  }
}
