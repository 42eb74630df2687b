/**
 * The MSAL edge: the few PublicClientApplication operations the auth service uses, behind an
 * interface so unit tests can put a hand-written fake here (and nowhere else). Production builds a
 * real PublicClientApplication per (authority, osBrokered) from `createPublicClient`.
 */
import {
  PublicClientApplication,
  type AccountInfo,
  type AuthenticationResult,
  type DeviceCodeRequest,
  type ICachePlugin,
  type INativeBrokerPlugin,
  type INetworkModule,
  type InteractiveRequest,
  type NodeSystemOptions,
  type SilentFlowRequest,
} from '@azure/msal-node';

export interface MsalClient {
  acquireTokenSilent(request: SilentFlowRequest): Promise<AuthenticationResult>;
  acquireTokenInteractive(request: InteractiveRequest): Promise<AuthenticationResult>;
  acquireTokenByDeviceCode(request: DeviceCodeRequest): Promise<AuthenticationResult | null>;
  getAllAccounts(): Promise<AccountInfo[]>;
  /** Removes the account from the broker (if any) and the MSAL cache (the cache plugin persists it). */
  signOut(account: AccountInfo): Promise<void>;
  /** Scopes of the access tokens cached for the account (`target` of AccessToken entries). */
  cachedScopes(homeAccountId: string): Promise<string[]>;
}

export interface MsalClientConfig {
  clientId: string;
  authority: string;
  knownAuthorities: string[];
  cachePlugin: ICachePlugin;
  networkClient: INetworkModule;
  loggerOptions: NonNullable<NodeSystemOptions['loggerOptions']>;
  nativeBrokerPlugin?: INativeBrokerPlugin;
}

export type MsalClientFactory = (config: MsalClientConfig) => MsalClient;

/**
 * Client capabilities declared to Entra: `cp1` = "this client handles claims challenges", so
 * CAE-enabled resources (Graph) answer a revoked session or a changed Conditional Access policy with
 * a 401 claims challenge at once instead of the token working until it expires; the bridge retries
 * such a 401 once with the challenge's claims (token.get `claims` → acquireTokenSilent `claims`).
 */
export const CLIENT_CAPABILITIES: readonly string[] = ['cp1'];

/** Reads AccessToken targets from MSAL's serialized cache (the documented cross-library JSON schema). */
export function scopesFromSerializedCache(serialized: string, homeAccountId: string): string[] {
  try {
    const parsed = JSON.parse(serialized) as {
      AccessToken?: Record<string, { home_account_id?: string; target?: string }>;
    };
    const scopes = new Set<string>();
    for (const entry of Object.values(parsed.AccessToken ?? {})) {
      if (entry.home_account_id === homeAccountId && typeof entry.target === 'string') {
        for (const s of entry.target.split(' ')) if (s !== '') scopes.add(s);
      }
    }
    return [...scopes];
  } catch {
    return [];
  }
}

export const createPublicClient: MsalClientFactory = (config) => {
  const pca = new PublicClientApplication({
    auth: {
      clientId: config.clientId,
      authority: config.authority,
      knownAuthorities: config.knownAuthorities,
      clientCapabilities: [...CLIENT_CAPABILITIES],
    },
    cache: { cachePlugin: config.cachePlugin },
    broker: config.nativeBrokerPlugin !== undefined ? { nativeBrokerPlugin: config.nativeBrokerPlugin } : undefined,
    system: { networkClient: config.networkClient, loggerOptions: config.loggerOptions },
  });
  return {
    acquireTokenSilent: (r) => pca.acquireTokenSilent(r),
    acquireTokenInteractive: (r) => pca.acquireTokenInteractive(r),
    acquireTokenByDeviceCode: (r) => pca.acquireTokenByDeviceCode(r),
    getAllAccounts: () => pca.getAllAccounts(),
    signOut: (account) => pca.signOut({ account }),
    cachedScopes: (homeAccountId) =>
      Promise.resolve(scopesFromSerializedCache(pca.getTokenCache().serialize(), homeAccountId)),
  };
};
