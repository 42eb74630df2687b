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
 */
import { existsSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import type { IPersistence, IPersistenceConfiguration } from '@azure/msal-node-extensions';
import type { CacheBackend } from '../../shared/bridge-contract.ts';
import type { OsKind } from '../../platform/platform.ts';
import { withFileLock, type LockDeps } from '../../platform/file-lock.ts';
import { isProcessAlive } from '../../platform/process.ts';
import { clearStaleLock, type StaleLockDeps } from './stale-lock.ts';
import type { LogSink } from './msal-logger.ts';
import {
  loadMsalExtensions,
  moduleLoadReason,
  type LoadMsalExtensions,
  type MsalExtensions,
} from './keychain-module.ts';

export const CACHE_FILE = 'msal-cache.json';
export const DEFAULT_KEYCHAIN_SERVICE = 'Graph Bridge';
export const DEFAULT_KEYCHAIN_ACCOUNT = 'msal-token-cache';

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

export interface TokenCacheOptions {
  os: OsKind;
  /** Directory for the marker/lock (and the plaintext or DPAPI file). */
  cacheDir: string;
  /** Keychain service name; tests use a unique one per run. */
  serviceName?: string;
  accountName?: string;
  allowPlaintextCache: boolean;
  sink: LogSink;
  /** Injectable for unit tests (OS edge). Default: msal-node-extensions' PersistenceCreator.createPersistence. */
  createPersistence?: (config: IPersistenceConfiguration) => Promise<IPersistence>;
  createPlaintextPersistence?: (cachePath: string) => Promise<IPersistence>;
  /** How long the keychain round trip may take before we give up on it. Default 20 s. */
  verifyTimeoutMs?: number;
  /** Clears a dead process's lock on the cache (default: real process checks). */
  lockDeps?: StaleLockDeps;
  /** Overrides for the lock that serialises the keychain check across processes (tests). */
  verifyLock?: Partial<LockDeps>;
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

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The innermost cause, on one line: msal-node-extensions wraps the OS error twice ("CachePersistenceError:
 * Verifing persistence failed with the error: Error: Cannot autolaunch D-Bus without X11 $DISPLAY").
 */
function reasonOf(err: unknown): string {
  const text = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
  const parts = text.split(/\b[A-Za-z]*Error: /).filter((p) => p.trim() !== '');
  return (parts.at(-1) ?? text).trim().slice(0, 160);
}

/** What to do about a memory-only cache, in one sentence (the README has the headless recipe). */
function memoryFix(os: OsKind): string {
  return os === 'linux'
    ? 'Fix: start a Secret Service (see "Headless Linux keyring" in the README) or set allowPlaintextCache.'
    : 'Fix: unlock the OS keychain, then restart Graph Bridge.';
}

/** Directories from `dir` up to (and including) the first one that exists, excluding it: what mkdir -p would create. */
function missingDirs(dir: string): string[] {
  const missing: string[] = [];
  let cur = dir;
  while (!existsSync(cur)) {
    missing.push(cur);
    const parent = dirname(cur);
    if (parent === cur) break;
    cur = parent;
  }
  return missing;
}

/** Removes what the failed keychain verification created, so memory mode leaves nothing on disk. */
async function removeLeftovers(cacheDir: string, existedBefore: { dirs: string[]; cache: boolean }): Promise<void> {
  await rm(join(cacheDir, 'test.cache'), { force: true });
  await rm(join(cacheDir, 'test.cache.lockfile'), { force: true });
  // Another Graph Bridge process holds the cache: its marker and directory are not ours to remove.
  if (existsSync(join(cacheDir, `${CACHE_FILE}.lockfile`))) return;
  if (!existedBefore.cache) await rm(join(cacheDir, CACHE_FILE), { force: true });
  for (const dir of existedBefore.dirs) {
    const left = await readdir(dir).catch(() => null);
    if (left === null || left.length > 0) break;
    await rmdir(dir).catch(() => undefined);
  }
}

export async function openTokenCache(options: TokenCacheOptions): Promise<TokenCache> {
  const { os, cacheDir, sink } = options;
  const cachePath = join(cacheDir, CACHE_FILE);
  const lockPath = `${cachePath}.lockfile`;
  let ext: MsalExtensions;
  try {
    ext = (options.loadExtensions ?? loadMsalExtensions)();
  } catch (err) {
    // keytar's native build is missing or broken: never a crash, a memory-mode start that says why.
    return memoryCache(
      `The OS keychain module could not be loaded (${moduleLoadReason(err)}): sign-ins are kept in memory for this ` +
        'session only. Fix: reinstall Graph Bridge (in a checkout: npm rebuild keytar).',
    );
  }
  // The verification lock lives beside the cache dir (which a failed verification may remove).
  const verifyLockPath = join(dirname(cacheDir), 'token-cache.verify.lock');
  await mkdir(dirname(cacheDir), { recursive: true, mode: 0o700 });
  const existedBefore = { dirs: missingDirs(cacheDir), cache: existsSync(cachePath) };

  if (existedBefore.dirs.length === 0) {
    const lock = await clearStaleLock(lockPath, options.lockDeps);
    if (lock.state === 'removed-dead-pid')
      sink('warn', `Removed a stale token-cache lock left by dead process ${lock.pid}.`);
    if (lock.state === 'removed-empty') sink('warn', 'Removed an abandoned (empty) token-cache lock file.');
  }

  const create = options.createPersistence ?? ((c) => ext.PersistenceCreator.createPersistence(c));
  const config: IPersistenceConfiguration = {
    cachePath,
    dataProtectionScope: ext.DataProtectionScope.CurrentUser,
    serviceName: options.serviceName ?? DEFAULT_KEYCHAIN_SERVICE,
    accountName: options.accountName ?? DEFAULT_KEYCHAIN_ACCOUNT,
    usePlaintextFileOnLinux: false,
  };
  // msal-node-extensions verifies the keychain by writing, reading back and deleting one fixed
  // `test.cache` entry beside the cache. Two Graph Bridge processes starting together (the agent and a
  // `graph-bridge status`, the tray and a CLI command) would interleave those steps, and the loser
  // would fall back to memory and remove files the winner uses — so the check, and the clean-up after
  // a failed one, run under a cross-process lock.
  const verifyLock: LockDeps = {
    fs: fsp,
    pid: process.pid,
    isProcessAlive,
    now: () => new Date(),
    timeoutMs: 30_000,
    ...options.verifyLock,
  };
  type Verified = { persistence: IPersistence; error?: undefined } | { persistence?: undefined; error: string };
  const verified = await withFileLock(verifyLockPath, verifyLock, async (): Promise<Verified> => {
    try {
      return {
        persistence: await withTimeout(create(config), options.verifyTimeoutMs ?? 20_000, 'The OS keychain'),
      };
    } catch (err) {
      await removeLeftovers(cacheDir, existedBefore);
      return { error: reasonOf(err) };
    }
  });
  if (!verified.acquired) {
    // The keychain may be fine: another process is (stuck) checking it. Never fall back to plaintext here.
    const detail =
      `Another Graph Bridge process (${verified.holder}) has been checking the OS keychain for over ` +
      `${Math.round((verifyLock.timeoutMs ?? 0) / 1000)} s, so sign-ins are kept in memory for this session only. ` +
      `Quit the other Graph Bridge process, or if none is running delete ${verifyLockPath}, then restart Graph Bridge.`;
    return memoryCache(detail);
  }
  const { persistence } = verified.value;
  if (persistence !== undefined) {
    return {
      plugin: new ext.PersistenceCachePlugin(persistence),
      backend: 'keychain',
      detail: `Token cache in the OS keychain (service "${config.serviceName}").`,
      cachePath,
      lockPath,
      readPersisted: () => persistence.load(),
    };
  }
  let keychainError = verified.value.error;

  if (options.allowPlaintextCache && os === 'linux') {
    const createPlain = options.createPlaintextPersistence ?? ((p: string) => ext.FilePersistence.create(p));
    try {
      const persistence = await createPlain(cachePath);
      await persistence.verifyPersistence();
      const detail =
        `The OS keychain is unavailable (${keychainError}); the token cache is stored UNENCRYPTED in ` +
        `${cachePath} (mode 0600) because allowPlaintextCache is on.`;
      sink('warn', detail);
      return {
        plugin: new ext.PersistenceCachePlugin(persistence),
        backend: 'plaintext',
        detail,
        cachePath,
        lockPath,
        readPersisted: () => persistence.load(),
      };
    } catch (err) {
      keychainError = `${keychainError}; plaintext file also failed: ${reasonOf(err)}`;
      await removeLeftovers(cacheDir, existedBefore);
    }
  }

  return memoryCache(
    `The OS keychain is unavailable (${keychainError}): sign-ins are kept in memory for this session only. ${memoryFix(os)}`,
  );

  function memoryCache(detail: string): TokenCache {
    const memory = createMemoryCachePlugin();
    sink('warn', detail);
    return {
      plugin: memory,
      backend: 'memory',
      detail,
      cachePath,
      lockPath,
      readPersisted: () => Promise.resolve(memory.snapshot()),
    };
  }
}
