/**
 * Everything the Entra half remembers between requests. One instance per running emulator (no
 * module state); `reset()` returns to the fixtures.
 */
import { defaultApis, defaultApps, defaultUsers, type EmulatorApi, type EmulatorApp } from './fixtures.ts';
import type { FaultSpec } from './faults.ts';
import type { EmulatorUser, RequestLogEntry } from './types.ts';

export interface EmulatorSettings {
  /** `page`: real HTML sign-in/consent pages; `auto`: `currentUser` signs in without a page. */
  interactiveMode: 'auto' | 'page';
  /** In auto mode (and control-plane device approval), grant missing scopes without asking. */
  autoConsent: boolean;
  /** Who signs in in auto mode when no login_hint names a user (UPN or oid). */
  currentUser: string;
  /** Access-token lifetime (`expires_in`), seconds. */
  tokenLifetime: number;
  /** Refresh-token inactivity limit, seconds (→ AADSTS700082). */
  rtInactivity: number;
  /** How long a rotated-out refresh token keeps working, seconds. */
  rtGrace: number;
  deviceInterval: number;
  deviceExpiresIn: number;
  /** `granted`: response `scope` lists all consented Graph scopes (Entra); `requested`: only the asked ones. */
  scopeEcho: 'granted' | 'requested';
}

export function defaultSettings(): EmulatorSettings {
  return {
    interactiveMode: 'page',
    autoConsent: true,
    currentUser: defaultUsers()[0]?.upn ?? '',
    tokenLifetime: 3599,
    rtInactivity: 90 * 24 * 3600,
    rtGrace: 300,
    deviceInterval: 5,
    deviceExpiresIn: 900,
    scopeEcho: 'granted',
  };
}

export interface UserPolicy {
  mfaRequired: boolean;
  mfaEnrollmentRequired: boolean;
  /** The `claims` challenge returned with 50076/50079. */
  claimsChallenge?: string;
}

export interface UserState {
  user: EmulatorUser;
  /**
   * clientId → granted scopes: canonical Graph names (`Mail.Read`) and custom-API scopes as
   * `<application ID URI>/<value>` (`api://…/access_as_user`).
   */
  grants: Map<string, Set<string>>;
  /** Tokens issued before this instant (ms) are revoked. */
  tokensValidFrom: number;
  policy: UserPolicy;
  /** Last Conditional Access change (ms): CAE-capable (cp1) access tokens issued before it are challenged. */
  policyChangedAtMs: number;
}

/** What an authorization code or device approval carries into the token endpoint. */
export interface AuthGrantContext {
  oid: string;
  clientId: string;
  /** Requested scope string, verbatim. */
  scope: string;
  authTimeMs: number;
  mfa: boolean;
  nonce?: string;
  claims?: string;
}

export interface AuthCodeRecord extends AuthGrantContext {
  redirectUri: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  expiresAtMs: number;
  redeemed: boolean;
}

export interface RefreshTokenRecord {
  oid: string;
  clientId: string;
  issuedAtMs: number;
  lastUsedMs: number;
  authTimeMs: number;
  mfa: boolean;
  /** Set when a newer RT replaced this one (rotation). */
  rotatedAtMs?: number;
}

export interface DeviceCodeRecord {
  deviceCode: string;
  userCode: string;
  clientId: string;
  scope: string;
  claims?: string;
  expiresAtMs: number;
  status: 'pending' | 'approved' | 'declined' | 'redeemed';
  grant?: AuthGrantContext;
}

export interface BrowserSession {
  id: string;
  oid: string;
  authTimeMs: number;
  mfa: boolean;
}

/** A pending /authorize or /devicelogin interaction (between the pages). */
export interface Interaction {
  id: string;
  kind: 'authorize' | 'device';
  tenantSegment: string;
  clientId: string;
  scope: string;
  /** Authorize only: every query parameter. */
  params: Record<string, string>;
  deviceCode?: string;
  oid?: string;
  mfa?: boolean;
  authTimeMs?: number;
  /** The consent page was accepted (prompt=consent shows it once). */
  consentDone?: boolean;
  expiresAtMs: number;
}

export class EmulatorState {
  settings: EmulatorSettings = defaultSettings();
  users = new Map<string, UserState>();
  apps = new Map<string, EmulatorApp>();
  /** Registered custom APIs (resources), by their client id. */
  apis = new Map<string, EmulatorApi>();
  codes = new Map<string, AuthCodeRecord>();
  refreshTokens = new Map<string, RefreshTokenRecord>();
  deviceCodes = new Map<string, DeviceCodeRecord>();
  sessions = new Map<string, BrowserSession>();
  interactions = new Map<string, Interaction>();
  /** Access-token `uti` → issue time in ms (revocation precision below the `iat` second). */
  accessTokenIssuedAt = new Map<string, number>();
  faults: FaultSpec[] = [];
  /** Releases of requests a `hold` fault keeps waiting (control.releaseHeld()). */
  held = new Set<() => void>();
  log: RequestLogEntry[] = [];
  logSeq = 0;
  faultSeq = 0;

  constructor(
    private readonly seedUsers: () => EmulatorUser[] = defaultUsers,
    private readonly seedApps: () => EmulatorApp[] = defaultApps,
    private readonly seedApis: () => EmulatorApi[] = defaultApis,
  ) {
    this.reset();
  }

  reset(): void {
    this.settings = defaultSettings();
    this.users.clear();
    for (const u of this.seedUsers()) this.addUser(u);
    this.apps.clear();
    for (const a of this.seedApps()) this.apps.set(a.clientId, a);
    this.apis.clear();
    for (const a of this.seedApis()) this.apis.set(a.clientId, a);
    this.codes.clear();
    this.refreshTokens.clear();
    this.deviceCodes.clear();
    this.sessions.clear();
    this.accessTokenIssuedAt.clear();
    this.interactions.clear();
    this.faults = [];
    for (const release of [...this.held]) release();
    this.log = [];
  }

  addUser(user: EmulatorUser): UserState {
    const state: UserState = {
      user,
      grants: new Map(),
      tokensValidFrom: 0,
      policy: { mfaRequired: false, mfaEnrollmentRequired: false },
      policyChangedAtMs: 0,
    };
    this.users.set(user.oid, state);
    return state;
  }

  /** By oid or UPN (case-insensitive). */
  findUser(idOrUpn: string): UserState | undefined {
    const key = idOrUpn.trim().toLowerCase();
    for (const u of this.users.values()) {
      if (u.user.oid.toLowerCase() === key || u.user.upn.toLowerCase() === key) return u;
    }
    return undefined;
  }

  /** The registered APIs, for scope parsing. */
  apiList(): EmulatorApi[] {
    return [...this.apis.values()];
  }

  granted(oid: string, clientId: string): Set<string> {
    return this.users.get(oid)?.grants.get(clientId) ?? new Set();
  }

  grant(oid: string, clientId: string, scopes: Iterable<string>): void {
    const u = this.users.get(oid);
    if (!u) return;
    const set = u.grants.get(clientId) ?? new Set<string>();
    for (const s of scopes) set.add(s);
    u.grants.set(clientId, set);
  }
}
