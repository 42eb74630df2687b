/**
 * The MSAL edge of the auth service, assembled once at start:
 *
 * - the token cache, opened and verified (token-cache.ts), its writes counted for the token memo;
 * - the network client (node:https with system roots + settings.extraCaFile, network-client.ts);
 * - one PublicClientApplication per authority (accounts of the same authority share it), and a second,
 *   broker-less one for the browser fallback and device code when the OS broker is in use
 *   (os-broker.ts). Both share the cache, and MSAL must not run two operations on it at once, so
 *   every call goes through the cache gate (cache-gate.ts);
 * - the token memo in front of MSAL (token-memo.ts), which misses after any process writes the cache
 *   (cache-stamp.ts).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { INativeBrokerPlugin } from '@azure/msal-node';
import type { EndpointConfig } from '../settings/derive.ts';
import type { Settings } from '../settings/settings-schema.ts';
import type { AppPaths, OsKind } from '../../platform/platform.ts';
import { createCacheGate, gateMsalClient } from './cache-gate.ts';
import { countCacheWrites, createCacheStamp } from './cache-stamp.ts';
import { msalLoggerOptions, type LogSink } from './msal-logger.ts';
import { createPublicClient, type MsalClient, type MsalClientFactory } from './msal-client.ts';
import { selectOsBroker, withBrokerFallback } from './os-broker.ts';
import { createNetworkClient } from './network-client.ts';
import { createTokenMemo, type TokenMemo } from './token-memo.ts';
import { openTokenCache, type TokenCache, type TokenCacheOptions } from './token-cache.ts';

export const TOKEN_CACHE_DIR = 'token-cache';

/** The MSAL edge's seams (OS edges and test doubles); `AuthServiceDeps` carries them. */
export interface MsalEdgeOptions {
  /** Keychain service name for the token cache (tests: unique per run). Default: the profile's (platform paths.keychainService). */
  keychainService?: string;
  /** The MSAL edge (unit tests pass a fake). */
  createMsalClient?: MsalClientFactory;
  /** A pre-opened cache (unit tests); default: openTokenCache() with the options below. */
  tokenCache?: TokenCache;
  tokenCacheOptions?: Partial<Pick<TokenCacheOptions, 'createPersistence' | 'verifyTimeoutMs' | 'lockDeps'>>;
  /** Factory for the OS broker plugin (OS edge). Default: msal-node-extensions NativeBrokerPlugin. */
  createOsBroker?: () => INativeBrokerPlugin;
  /** Verbose MSAL logging (still redacted). */
  verboseMsal?: boolean;
  /**
   * Stamp of the shared token cache for the token memo (cache-stamp.ts; OS edge: the marker file).
   * Default: this process's cache writes + the marker file's identity and times.
   */
  cacheStamp?: () => Promise<string | null>;
}

export interface AuthClientsDeps extends MsalEdgeOptions {
  settings: Settings;
  endpoints: EndpointConfig;
  platform: { os: OsKind; paths: Pick<AppPaths, 'stateDir' | 'keychainService'> };
  /** Already redacting. */
  log: LogSink;
  now: () => number;
}

export interface AuthClients {
  cache: TokenCache;
  /** The keychain entry the cache lives in (named in a failed sign-out's remedy). */
  keychainService: string;
  /** Why the OS broker is or is not used. */
  osBrokerDetail: string;
  /** Broker-less: device code, cached scopes, and the fallback when the OS broker cannot serve a call. */
  browser: MsalClient;
  /** Through the OS broker when it is enabled and available. */
  osBrokered: MsalClient | null;
  memo: TokenMemo;
  /**
   * Runs `op` on the OS-broker client when there is one and falls back to the browser client when the
   * OS broker cannot serve it (`onFallback` says so); else on the browser client.
   */
  eitherClient<T>(op: (client: MsalClient) => Promise<T>, onFallback: (err: unknown) => void): Promise<T>;
  /** Resolves when the cache operations already started or queued have finished (nothing new is started). */
  settle(): Promise<void>;
  /** Closes the network client's connections. */
  close(): void;
}

async function readCaFile(path: string | null): Promise<string | undefined> {
  if (path === null) return undefined;
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(
      `Cannot read the extra CA file ${path} (settings "extraCaFile" / GRAPH_BRIDGE_CA_FILE): ${(err as Error).message}.`,
      { cause: err },
    );
  }
}

async function openCache(deps: AuthClientsDeps, keychainService: string): Promise<TokenCache> {
  return (
    deps.tokenCache ??
    (await openTokenCache({
      os: deps.platform.os,
      cacheDir: join(deps.platform.paths.stateDir, TOKEN_CACHE_DIR),
      serviceName: keychainService,
      allowPlaintextCache: deps.settings.allowPlaintextCache,
      sink: deps.log,
      ...deps.tokenCacheOptions,
    }))
  );
}

/** Opens the cache and builds the clients; throws only when `extraCaFile` cannot be read. */
export async function openAuthClients(deps: AuthClientsDeps): Promise<AuthClients> {
  const { settings, endpoints, log, now } = deps;
  const keychainService = deps.keychainService ?? deps.platform.paths.keychainService;
  const cache = await openCache(deps, keychainService);
  const network = createNetworkClient({ extraCaPem: await readCaFile(settings.extraCaFile) });
  const osBroker = selectOsBroker(settings.useBroker, deps.createOsBroker);
  log('info', `auth: cache backend ${cache.backend}; ${osBroker.detail}`);
  const factory = deps.createMsalClient ?? createPublicClient;
  const gate = createCacheGate();
  const counted = countCacheWrites(cache.plugin);
  const cachePlugin = gate.wrapPlugin(counted.plugin);
  const markerPath = cache.backend === 'memory' ? null : cache.cachePath;
  const memo = createTokenMemo({
    now,
    cacheStamp: deps.cacheStamp ?? createCacheStamp({ markerPath, writes: counted.writes, now }),
  });
  const makeClient = (nativeBrokerPlugin?: INativeBrokerPlugin): MsalClient =>
    gateMsalClient(
      factory({
        clientId: settings.clientId,
        authority: endpoints.authority,
        knownAuthorities: endpoints.knownAuthorities,
        cachePlugin,
        networkClient: network,
        loggerOptions: msalLoggerOptions(log, deps.verboseMsal),
        ...(nativeBrokerPlugin !== undefined ? { nativeBrokerPlugin } : {}),
      }),
      gate,
    );
  const browser = makeClient();
  const osBrokered = osBroker.plugin !== null ? makeClient(osBroker.plugin) : null;
  return {
    cache,
    keychainService,
    osBrokerDetail: osBroker.detail,
    browser,
    osBrokered,
    memo,
    eitherClient: (op, onFallback) =>
      withBrokerFallback(osBrokered !== null ? () => op(osBrokered) : null, () => op(browser), onFallback),
    settle: () => gate.run(() => Promise.resolve()),
    close: () => network.close(),
  };
}
