/**
 * The token cache's keychain check (token-cache.ts chooses the backend from its outcome): prepares the
 * cache directory (clearing a dead process's lock), then lets msal-node-extensions verify the keychain —
 * under a cross-process lock and a timeout — and removes whatever a failed check left on disk.
 */
import { existsSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { IPersistence, IPersistenceConfiguration } from '@azure/msal-node-extensions';
import { withFileLock, type LockDeps } from '../../platform/file-lock.ts';
import { isProcessAlive } from '../../platform/process.ts';
import type { MsalExtensions } from './keychain-module.ts';
import type { LogSink } from './msal-logger.ts';
import { clearStaleLock, type StaleLockDeps } from './stale-lock.ts';

export const DEFAULT_KEYCHAIN_SERVICE = 'Graph Bridge';
export const DEFAULT_KEYCHAIN_ACCOUNT = 'msal-token-cache';

export interface KeychainCheckOptions {
  /** Keychain service name; tests use a unique one per run. */
  serviceName?: string;
  accountName?: string;
  sink: LogSink;
  /** Injectable for unit tests (OS edge). Default: msal-node-extensions' PersistenceCreator.createPersistence. */
  createPersistence?: (config: IPersistenceConfiguration) => Promise<IPersistence>;
  /** How long the keychain round trip may take before we give up on it. Default 20 s. */
  verifyTimeoutMs?: number;
  /** Clears a dead process's lock on the cache (default: real process checks). */
  lockDeps?: StaleLockDeps;
  /** Overrides for the lock that serialises the keychain check across processes (tests). */
  verifyLock?: Partial<LockDeps>;
}

export interface CachePaths {
  /** Directory for the marker/lock (and the plaintext or DPAPI file). */
  cacheDir: string;
  cachePath: string;
  lockPath: string;
}

/** What existed before the check: a failed one removes only what it created. */
export interface Preexisting {
  /** The directories mkdir -p would create for the cache dir (none = it exists). */
  dirs: string[];
  cache: boolean;
}

export type KeychainCheck =
  | { outcome: 'verified'; persistence: IPersistence; serviceName: string }
  | { outcome: 'failed'; error: string }
  /** Another process holds the check's lock past its timeout: the keychain may be fine. */
  | { outcome: 'busy'; detail: string };

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
export function reasonOf(err: unknown): string {
  const text = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim();
  const parts = text.split(/\b[A-Za-z]*Error: /).filter((p) => p.trim() !== '');
  return (parts.at(-1) ?? text).trim().slice(0, 160);
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
export async function removeLeftovers(paths: CachePaths, existedBefore: Preexisting): Promise<void> {
  const { cacheDir } = paths;
  await rm(join(cacheDir, 'test.cache'), { force: true });
  await rm(join(cacheDir, 'test.cache.lockfile'), { force: true });
  // Another Graph Bridge process holds the cache: its marker and directory are not ours to remove.
  if (existsSync(paths.lockPath)) return;
  if (!existedBefore.cache) await rm(paths.cachePath, { force: true });
  for (const dir of existedBefore.dirs) {
    const left = await readdir(dir).catch(() => null);
    if (left === null || left.length > 0) break;
    await rmdir(dir).catch(() => undefined);
  }
}

/** Creates the cache dir's parent, notes what exists, and clears a dead process's lock on the cache. */
export async function prepareCacheDir(paths: CachePaths, options: KeychainCheckOptions): Promise<Preexisting> {
  await mkdir(dirname(paths.cacheDir), { recursive: true, mode: 0o700 });
  const existedBefore = { dirs: missingDirs(paths.cacheDir), cache: existsSync(paths.cachePath) };
  if (existedBefore.dirs.length === 0) {
    const lock = await clearStaleLock(paths.lockPath, options.lockDeps);
    if (lock.state === 'removed-dead-pid')
      options.sink('warn', `Removed a stale token-cache lock left by dead process ${lock.pid}.`);
    if (lock.state === 'removed-empty') options.sink('warn', 'Removed an abandoned (empty) token-cache lock file.');
  }
  return existedBefore;
}

function persistenceConfig(
  ext: MsalExtensions,
  cachePath: string,
  options: KeychainCheckOptions,
): IPersistenceConfiguration {
  return {
    cachePath,
    dataProtectionScope: ext.DataProtectionScope.CurrentUser,
    serviceName: options.serviceName ?? DEFAULT_KEYCHAIN_SERVICE,
    accountName: options.accountName ?? DEFAULT_KEYCHAIN_ACCOUNT,
    usePlaintextFileOnLinux: false,
  };
}

function verifyLockDeps(options: KeychainCheckOptions): LockDeps {
  return { fs: fsp, pid: process.pid, isProcessAlive, now: () => new Date(), timeoutMs: 30_000, ...options.verifyLock };
}

/**
 * msal-node-extensions verifies the keychain by writing, reading back and deleting one fixed `test.cache`
 * entry beside the cache. Two Graph Bridge processes starting together (the agent and a
 * `graph-bridge status`, the tray and a CLI command) would interleave those steps, and the loser would
 * fall back to memory and remove files the winner uses — so the check, and the clean-up after a failed
 * one, run under a cross-process lock.
 */
export async function checkKeychain(
  ext: MsalExtensions,
  at: { paths: CachePaths; existedBefore: Preexisting },
  options: KeychainCheckOptions,
): Promise<KeychainCheck> {
  const { paths, existedBefore } = at;
  // The verification lock lives beside the cache dir (which a failed verification may remove).
  const verifyLockPath = join(dirname(paths.cacheDir), 'token-cache.verify.lock');
  const create = options.createPersistence ?? ((c) => ext.PersistenceCreator.createPersistence(c));
  const config = persistenceConfig(ext, paths.cachePath, options);
  const verifyLock = verifyLockDeps(options);
  const verified = await withFileLock(verifyLockPath, verifyLock, async (): Promise<KeychainCheck> => {
    try {
      const persistence = await withTimeout(create(config), options.verifyTimeoutMs ?? 20_000, 'The OS keychain');
      return { outcome: 'verified', persistence, serviceName: config.serviceName ?? DEFAULT_KEYCHAIN_SERVICE };
    } catch (err) {
      await removeLeftovers(paths, existedBefore);
      return { outcome: 'failed', error: reasonOf(err) };
    }
  });
  if (verified.acquired) return verified.value;
  const detail =
    `Another Graph Bridge process (${verified.holder}) has been checking the OS keychain for over ` +
    `${Math.round((verifyLock.timeoutMs ?? 0) / 1000)} s, so sign-ins are kept in memory for this session only. ` +
    `Quit the other Graph Bridge process, or if none is running delete ${verifyLockPath}, then restart Graph Bridge.`;
  return { outcome: 'busy', detail };
}
