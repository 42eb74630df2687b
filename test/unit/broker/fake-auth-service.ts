/** A hand-written AuthService fake for broker unit tests (the OS/network edge of the broker core). */
import { fail, ok } from '../../../app/shared/result.ts';
import type { AccountSummary, TokenGetResult } from '../../../app/shared/bridge-contract.ts';
import type { Result } from '../../../app/shared/result.ts';
import type { AuthService, AuthSnapshot, ConsentItem, TokenRequest } from '../../../app/broker/auth/auth-service.ts';
import { createConsentQueue } from '../../../app/broker/auth/consent-queue.ts';

export const FAKE_ACCOUNT: AccountSummary = {
  homeAccountId: 'oid-1.tid-1',
  username: 'ada@contoso.com',
  name: 'Ada',
  tenantId: 'tid-1',
  environment: 'login.microsoftonline.com',
};

export interface FakeAuth extends AuthService {
  calls: TokenRequest[];
  granted: Set<string>;
  signedIn: boolean;
  tokenValue: string;
  consentCalls: string[][];
}

export function createFakeAuth(options: { granted?: string[]; signedIn?: boolean } = {}): FakeAuth {
  const listeners = new Set<() => void>();
  const consentListeners = new Set<(item: ConsentItem) => void>();
  // The real consent queue: only the sign-in edge (MSAL) is faked.
  const consent = createConsentQueue({
    now: () => 0,
    newId: (() => {
      let n = 0;
      return () => `consent-${++n}`;
    })(),
  });
  const changed = () => {
    for (const l of listeners) l();
  };
  const fake: FakeAuth = {
    calls: [],
    consentCalls: [],
    granted: new Set(options.granted ?? ['User.Read', 'Mail.Read']),
    signedIn: options.signedIn ?? true,
    tokenValue: 'eyJhbGciOiJSUzI1NiJ9.eyJzY3AiOiJVc2VyLlJlYWQifQ.c2lnbmF0dXJlLXZhbHVl',
    getToken(request: TokenRequest): Promise<Result<TokenGetResult>> {
      fake.calls.push(request);
      if (!fake.signedIn) return Promise.resolve(fail('NOT_SIGNED_IN', 'Sign in with: graph-bridge login'));
      const missing = request.scopes.filter((s) => !fake.granted.has(s));
      if (missing.length > 0) {
        const { item, added } = consent.record(missing, request.requestedBy);
        if (added) for (const l of consentListeners) l(item);
        changed();
        return Promise.resolve(fail('CONSENT_REQUIRED', 'Grant consent', { missingScopes: missing }));
      }
      return Promise.resolve(
        ok({
          accessToken: fake.tokenValue,
          expiresOn: new Date(Date.UTC(2030, 0, 1)).toISOString(),
          grantedScopes: [...fake.granted],
          account: FAKE_ACCOUNT,
        }),
      );
    },
    signInInteractive: () => {
      fake.signedIn = true;
      return Promise.resolve(ok(FAKE_ACCOUNT));
    },
    signInDeviceCode: (o) => {
      o.onCode({
        userCode: 'ABCD-EFGH',
        verificationUri: 'https://microsoft.com/devicelogin',
        expiresOn: new Date(0),
        message: 'Go',
      });
      fake.signedIn = true;
      return Promise.resolve(ok(FAKE_ACCOUNT));
    },
    grantConsent: (scopes) => {
      fake.consentCalls.push([...scopes]);
      for (const s of scopes) fake.granted.add(s);
      consent.resolve([...fake.granted]);
      changed();
      return Promise.resolve(ok([...fake.granted]));
    },
    signOut: () => {
      fake.signedIn = false;
      changed();
      return Promise.resolve(ok(undefined));
    },
    useAccount: (id) =>
      Promise.resolve(id === FAKE_ACCOUNT.username ? ok(FAKE_ACCOUNT) : fail('NOT_SIGNED_IN', `No account ${id}`)),
    snapshot: (): AuthSnapshot => ({
      account: fake.signedIn ? FAKE_ACCOUNT : null,
      accounts: fake.signedIn ? [FAKE_ACCOUNT] : [],
      cache: { backend: 'memory', detail: 'fake' },
      grantedScopes: [...fake.granted],
      tokenExpiresOn: null,
      lastRefresh: null,
    }),
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    pendingConsent: () => consent.list(),
    onConsentNeeded: (l) => {
      consentListeners.add(l);
      return () => consentListeners.delete(l);
    },
    dismissConsent: (id) => consent.dismiss(id),
    close: () => Promise.resolve(),
  };
  return fake;
}
