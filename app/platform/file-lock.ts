/**
 * A cross-process advisory lock file. Used around a read-modify-write of one editor config file (so two
 * `graph-bridge connect` processes never lose each other's entry) and around the token cache's keychain
 * check (so two Graph Bridge processes starting together never check at once).
 *
 * File: e.g. `<config>.graph-bridge.lock`, created with O_CREAT|O_EXCL ('wx'), content
 * `{"pid":123,"host":"name","createdAt":"ISO"}`. Removed when the holder finishes.
 * A lock is stale (and broken) when its pid no longer runs on this host, or when it is older than
 * `staleMs` (a crash between create and write leaves it empty; another host's pid cannot be checked).
 * Editors themselves do not take this lock; editConfigFile also re-checks the file before renaming.
 */
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type * as fsp from 'node:fs/promises';
import { errnoOf } from '../shared/errno.ts';

/** The file operations the lock needs (node:fs/promises in production; a failing fake in tests). */
export type LockFs = Pick<typeof fsp, 'open' | 'stat' | 'readFile' | 'unlink'>;

const lockContentSchema = z.object({ pid: z.number().int().positive(), host: z.string(), createdAt: z.string() });

export interface LockDeps {
  fs: LockFs;
  pid: number;
  host?: string;
  isProcessAlive: (pid: number) => boolean;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** A lock older than this is stale whatever it says (default 60 s). */
  staleMs?: number;
}

export type LockOutcome<T> = { acquired: true; value: T } | { acquired: false; holder: string };

async function readHolder(
  deps: LockDeps,
  lockPath: string,
): Promise<{ stale: boolean; holder: string; ino: number } | null> {
  let text: string;
  let ino: number;
  let mtimeMs: number;
  try {
    const st = await deps.fs.stat(lockPath);
    ino = st.ino;
    mtimeMs = st.mtimeMs;
    text = await deps.fs.readFile(lockPath, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return null;
    throw err;
  }
  const age = deps.now().getTime() - mtimeMs;
  const tooOld = age > (deps.staleMs ?? 60_000);
  let content: z.infer<typeof lockContentSchema> | undefined;
  try {
    content = lockContentSchema.parse(JSON.parse(text));
  } catch {
    content = undefined;
  }
  if (content === undefined) return { stale: tooOld, holder: 'a process that is starting', ino };
  const sameHost = content.host === (deps.host ?? hostname());
  const dead = sameHost && !deps.isProcessAlive(content.pid);
  return { stale: dead || tooOld, holder: `process ${content.pid} on ${content.host}`, ino };
}

async function tryCreate(deps: LockDeps, lockPath: string): Promise<boolean> {
  let handle;
  try {
    handle = await deps.fs.open(lockPath, 'wx', 0o600);
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') return false;
    throw err;
  }
  try {
    const content = { pid: deps.pid, host: deps.host ?? hostname(), createdAt: deps.now().toISOString() };
    await handle.writeFile(JSON.stringify(content));
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Runs `fn` while holding the lock. Returns `{acquired:false, holder}` after the timeout; errors other
 * than "already locked" (EACCES on a read-only folder, …) are thrown for the caller to map.
 */
export async function withFileLock<T>(lockPath: string, deps: LockDeps, fn: () => Promise<T>): Promise<LockOutcome<T>> {
  const sleep = deps.sleep ?? ((ms: number) => delay(ms));
  const deadline = deps.now().getTime() + (deps.timeoutMs ?? 10_000);
  let holder = 'another process';
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(deps, lockPath)) break;
    const current = await readHolder(deps, lockPath);
    if (current?.stale === true) {
      // Break it only if it is still the same lock file we judged stale.
      const again = await deps.fs.stat(lockPath).catch(() => null);
      const broken =
        again?.ino === current.ino &&
        (await deps.fs.unlink(lockPath).then(
          () => true,
          () => false,
        ));
      if (broken) continue;
    }
    if (current !== null) holder = current.holder;
    if (deps.now().getTime() >= deadline) return { acquired: false, holder };
    await sleep(Math.min(20 + attempt * 10, 100));
  }
  try {
    return { acquired: true, value: await fn() };
  } finally {
    await deps.fs.unlink(lockPath).catch(() => undefined);
  }
}
