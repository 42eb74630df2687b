/**
 * Where the MSAL token cache lives, chosen and VERIFIED once at start:
 *
 *  - 'keychain'  — msal-node-extensions persistence: libsecret (Linux), macOS Keychain, DPAPI file
 *                  (Windows). `PersistenceCreator.createPersistence` runs `verifyPersistence()` (a
 *                  write/read/delete round trip) before we use it.
 *  - 'memory'    — keychain unusable and no opt-in, or its native module (keytar, loaded on first use
 *                  by keychain-module.ts) missing or broken: the cache lives in this process only and is
 *                  gone on exit. NO file is written (anything the failed verification created is removed).
 *  - 'plaintext' — keychain unusable, Linux, and `allowPlaintextCache` is on: a 0600 JSON file.
 *
 * Files (all under `cacheDir`, 0700): `msal-cache.json` — on Linux/macOS an empty marker whose mtime
 * tells other processes to reload (the secret is in the keychain); on Windows the DPAPI-encrypted
 * cache; in plaintext mode the cache itself. `msal-cache.json.lockfile` — cross-process lock holding
 * the holder's PID (see stale-lock.ts). Never silent: the backend and its reason are reported.
 *
 * keychain-verify.ts prepares the directory and runs the keychain check; this file picks the backend.
 */
import { join } from 'node:path';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import type { IPersistence } from '@azure/msal-node-extensions';
import type { CacheBackend } from '../../shared/bridge-contract.ts';
import type { OsKind } from '../../platform/platform.ts';
import type { LogSink } from './msal-logger.ts';
import {
  loadMsalExtensions,
  moduleLoadReason,
  type LoadMsalExtensions,
  type MsalExtensions,
} from './keychain-module.ts';
import {
  checkKeychain,
  prepareCacheDir,
  reasonOf,
  removeLeftovers,
  type CachePaths,
  type KeychainCheckOptions,
  type Preexisting,
} from './keychain-verify.ts';

export { DEFAULT_KEYCHAIN_ACCOUNT, DEFAULT_KEYCHAIN_SERVICE } from './keychain-verify.ts';

export const CACHE_FILE = 'msal-cache.json';

export interface TokenCache {
  plugin: ICachePlugin;
  backend: CacheBackend;
  /** Why this backend; shown in status (a warning unless 'keychain'). */
  detail: string;
  cachePath: string;
  lockPath: string;
  /** Reads what is persisted right now (keychain/file), or the in-memory copy. For verification. */
  readPersisted(): Promise<string | null>;
}

/** Also the keychain check's options (keychain-verify.ts): service and account names, its fakes and locks. */
export interface TokenCacheOptions extends KeychainCheckOptions {
  os: OsKind;
  /** Directory for the marker/lock (and the plaintext or DPAPI file). */
  cacheDir: string;
  allowPlaintextCache: boolean;
  createPlaintextPersistence?: (cachePath: string) => Promise<IPersistence>;
  /** Loads msal-node-extensions and keytar's native module (default: keychain-module.ts). */
  loadExtensions?: LoadMsalExtensions;
}

/** In-memory cache plugin: one serialized copy shared by this service's MSAL clients, never on disk. */
export function createMemoryCachePlugin(): ICachePlugin & { snapshot(): string | null } {
  let data: string | null = null;
  return {
    beforeCacheAccess(ctx: TokenCacheContext) {
      if (data !== null) ctx.tokenCache.deserialize(data);
      return Promise.resolve();
    },
    afterCacheAccess(ctx: TokenCacheContext) {
      if (ctx.cacheHasChanged) data = ctx.tokenCache.serialize();
      return Promise.resolve();
    },
    snapshot: () => data,
  };
}

/** What to do about a memory-only cache, in one sentence (the README has the headless recipe). */
function memoryFix(os: OsKind): string {
  return os === 'linux'
    ? 'Fix: start a Secret Service (see "Headless Linux keyring" in the README) or set allowPlaintextCache.'
    : 'Fix: unlock the OS keychain, then restart Graph Bridge.';
}

function memoryCache(paths: CachePaths, sink: LogSink, detail: string): TokenCache {
  const memory = createMemoryCachePlugin();
  sink('warn', detail);
  return {
    plugin: memory,
    backend: 'memory',
    detail,
    cachePath: paths.cachePath,
    lockPath: paths.lockPath,
    readPersisted: () => Promise.resolve(memory.snapshot()),
  };
}

function persistedCache(
  ext: MsalExtensions,
  paths: CachePaths,
  found: { persistence: IPersistence; backend: 'keychain' | 'plaintext'; detail: string },
): TokenCache {
  const { persistence } = found;
  return {
    plugin: new ext.PersistenceCachePlugin(persistence),
    backend: found.backend,
    detail: found.detail,
    cachePath: paths.cachePath,
    lockPath: paths.lockPath,
    readPersisted: () => persistence.load(),
  };
}

/** The 0600 file fallback (Linux, allowPlaintextCache); else memory, saying why. */
async function fallbackCache(
  ext: MsalExtensions,
  at: { paths: CachePaths; existedBefore: Preexisting; keychainError: string },
  options: TokenCacheOptions,
): Promise<TokenCache> {
  const { paths, existedBefore } = at;
  let keychainError = at.keychainError;
  if (options.allowPlaintextCache && options.os === 'linux') {
    const createPlain = options.createPlaintextPersistence ?? ((p: string) => ext.FilePersistence.create(p));
    try {
      const persistence = await createPlain(paths.cachePath);
      await persistence.verifyPersistence();
      const detail =
        `The OS keychain is unavailable (${keychainError}); the token cache is stored UNENCRYPTED in ` +
        `${paths.cachePath} (mode 0600) because allowPlaintextCache is on.`;
      options.sink('warn', detail);
      return persistedCache(ext, paths, { persistence, backend: 'plaintext', detail });
    } catch (err) {
      keychainError = `${keychainError}; plaintext file also failed: ${reasonOf(err)}`;
      await removeLeftovers(paths, existedBefore);
    }
  }
  return memoryCache(
    paths,
    options.sink,
    `The OS keychain is unavailable (${keychainError}): sign-ins are kept in memory for this session only. ${memoryFix(options.os)}`,
  );
}

export async function openTokenCache(options: TokenCacheOptions): Promise<TokenCache> {
  const { cacheDir, sink } = options;
  const cachePath = join(cacheDir, CACHE_FILE);
  const paths: CachePaths = { cacheDir, cachePath, lockPath: `${cachePath}.lockfile` };
  let ext: MsalExtensions;
  try {
    ext = (options.loadExtensions ?? loadMsalExtensions)();
  } catch (err) {
    // keytar's native build is missing or broken: never a crash, a memory-mode start that says why.
    return memoryCache(
      paths,
      sink,
      `The OS keychain module could not be loaded (${moduleLoadReason(err)}): sign-ins are kept in memory for this ` +
        'session only. Fix: reinstall Graph Bridge (in a checkout: npm rebuild keytar).',
    );
  }
  const existedBefore = await prepareCacheDir(paths, options);
  const check = await checkKeychain(ext, { paths, existedBefore }, options);
  // Busy: another process is (stuck) checking the keychain, which may be fine. Never fall back to plaintext here.
  if (check.outcome === 'busy') return memoryCache(paths, sink, check.detail);
  if (check.outcome === 'verified') {
    const detail = `Token cache in the OS keychain (service "${check.serviceName}").`;
    return persistedCache(ext, paths, { persistence: check.persistence, backend: 'keychain', detail });
  }
  return fallbackCache(ext, { paths, existedBefore, keychainError: check.error }, options);
}
