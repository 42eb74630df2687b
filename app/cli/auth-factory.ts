/**
 * How the CLI host obtains the production AuthService (app/broker/auth). Kept in one file so the
 * host composition reads cleanly and tests can pass their own factory. MSAL (and, through the token
 * cache, msal-node-extensions and keytar) is imported here on first use, so only the commands that
 * sign in or read the token cache pay for loading it.
 */
import type { AuthService } from '../broker/auth/auth-service.ts';
import type { LoadedSettings } from '../broker/settings/settings-store.ts';
import type { Logger } from '../broker/log/logger.ts';
import type { Platform } from '../platform/platform.ts';

export interface AuthFactoryInput {
  platform: Platform;
  loaded: LoadedSettings;
  logger: Logger;
  /** Keychain service name override (tests: unique per run). */
  keychainService?: string;
}

export type AuthFactory = (input: AuthFactoryInput) => Promise<AuthService>;

export const defaultAuthFactory: AuthFactory = async (input) => {
  const { createAuthService } = await import('../broker/auth/create-auth-service.ts');
  return createAuthService({
    settings: input.loaded.settings,
    endpoints: input.loaded.endpoints,
    platform: input.platform,
    log: (level, line) => input.logger[level](line),
    ...(input.keychainService === undefined ? {} : { keychainService: input.keychainService }),
  });
};
