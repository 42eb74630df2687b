/**
 * The seam between the broker's sign-in/token core (MSAL, cache persistence, accounts) and the
 * rest of the broker (IPC server, approvals, CLI, tray). The IPC layer and the tray only ever see
 * this interface; `createAuthService` (auth/create-auth-service.ts) is the production implementation.
 *
 * Tokens returned here go to authenticated bridges only — never to logs, the window or stdout.
 */
import type { AccountSummary, CacheBackend, TokenGetResult } from '../../shared/bridge-contract.ts';
import type { Result } from '../../shared/result.ts';

export interface TokenRequest {
  scopes: readonly string[];
  forceRefresh?: boolean;
  minValiditySeconds?: number;
  claims?: string;
  /** Who asked (e.g. "claude-ai / mail_list"), recorded on a consent item when consent is missing. */
  requestedBy?: string;
}

/** Consent the user has not given yet (recorded by getToken on CONSENT_REQUIRED; see consent-queue.ts). */
export interface ConsentItem {
  id: string;
  scopes: string[];
  requestedBy: string;
  /** ISO 8601. */
  requestedAt: string;
}

export interface DeviceCodePrompt {
  userCode: string;
  verificationUri: string;
  expiresOn: Date;
  /** Entra's one-line instruction, shown verbatim. */
  message: string;
}

/**
 * What the user needs to know while a browser sign-in waits: the sign-in URL (always, so it can be
 * opened by hand), then `browser-failed` if the system browser could not be opened.
 */
export type BrowserEvent = { kind: 'url'; url: string } | { kind: 'browser-failed'; url: string; reason: string };

export interface SignInOptions {
  /** Scopes to request besides the OIDC ones (default: the enabled groups' scopes). */
  scopes?: readonly string[];
  loginHint?: string;
  /** Force the account picker / a fresh sign-in. */
  prompt?: 'select_account' | 'login' | 'consent';
  signal?: AbortSignal;
  /** Browser sign-in: receives the sign-in URL and a failed browser launch. */
  onBrowser?: (event: BrowserEvent) => void;
}

export interface DeviceCodeOptions extends SignInOptions {
  onCode(prompt: DeviceCodePrompt): void;
}

export interface GrantConsentOptions {
  signal?: AbortSignal;
  /** Browser consent: receives the sign-in URL and a failed browser launch. */
  onBrowser?: (event: BrowserEvent) => void;
  /** Consent by device code instead of the browser; the code goes here. */
  onDeviceCode?: (prompt: DeviceCodePrompt) => void;
}

export interface AuthSnapshot {
  account: AccountSummary | null;
  accounts: AccountSummary[];
  cache: { backend: CacheBackend; detail: string };
  /** Scopes the active account's tokens carry (from the last token response), for status. */
  grantedScopes: string[];
  tokenExpiresOn: Date | null;
  lastRefresh: Date | null;
  /**
   * The active account's last silent refresh failed in a way only a new sign-in fixes (revoked or
   * expired session, MFA / Conditional Access); the account is still listed. Cleared by a success.
   */
  signInNeeded?: { reason: string; since: Date } | null;
}

export interface AuthService {
  /**
   * Silent acquisition for the active account. Single-flight per (account, scope set): concurrent
   * callers share one request to Entra. Never opens a browser: a missing scope yields
   * CONSENT_REQUIRED {missingScopes}; a dead refresh token yields NOT_SIGNED_IN / INTERACTION_REQUIRED.
   */
  getToken(request: TokenRequest): Promise<Result<TokenGetResult>>;
  /**
   * System browser + loopback + PKCE (or the OS broker when enabled and available). The URL goes to
   * `onBrowser` (and a failed browser launch); ends on abort or after the sign-in time limit.
   */
  signInInteractive(options?: SignInOptions): Promise<Result<AccountSummary>>;
  signInDeviceCode(options: DeviceCodeOptions): Promise<Result<AccountSummary>>;
  /**
   * Incremental consent for scopes (an explicit user action: CLI `consent` or the tray's Grant).
   * Browser flows end when the signal aborts or after the sign-in time limit, closing the loopback.
   */
  grantConsent(scopes: readonly string[], options?: GrantConsentOptions): Promise<Result<string[]>>;
  /** Removes the account (default: active; else by home account id or username) from the cache and keychain. */
  signOut(homeAccountIdOrUsername?: string): Promise<Result<void>>;
  /** Switch the active account; tokens never cross accounts. */
  useAccount(homeAccountIdOrUsername: string): Promise<Result<AccountSummary>>;
  snapshot(): AuthSnapshot;
  /** Called whenever the snapshot may have changed. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  close(): Promise<void>;

  /**
   * Consent items waiting for the user, oldest first (the one consent queue, auth/consent-queue.ts).
   * Cleared by grantConsent, sign-in and tokens that carry the scopes.
   */
  pendingConsent(): ConsentItem[];
  /** Called when getToken records a NEW consent item. Returns an unsubscribe function. */
  onConsentNeeded(listener: (item: ConsentItem) => void): () => void;
  /** Drops a consent item without granting (the user dismissed it). */
  dismissConsent(id: string): boolean;
}
