/**
 * Removes a token-cache lock file left behind by a process that died while holding it.
 *
 * Format (msal-node-extensions 5.x CrossPlatformLock): the file `<cachePath>.lockfile` is created with
 * `open(path, 'wx+')` and then the holder writes its decimal PID (no newline). It is deleted on unlock.
 * A holder that crashed between create and write leaves an EMPTY file — treated as stale once it is
 * older than `emptyGraceMs`. A live PID (including one of another user: EPERM) is never touched.
 */
import { readFile, stat, unlink } from 'node:fs/promises';
import { isProcessAlive } from '../../platform/process.ts';
import { errnoOf } from '../../shared/errno.ts';

export type LockState = 'absent' | 'held' | 'removed-dead-pid' | 'removed-empty' | 'fresh-empty';

export interface StaleLockDeps {
  /** Default: `process.kill(pid, 0)` semantics. */
  isProcessAlive?: (pid: number) => boolean;
  nowMs?: () => number;
  /** How old an empty lock file must be to count as abandoned. Default 10 s. */
  emptyGraceMs?: number;
}

export async function clearStaleLock(
  lockPath: string,
  deps: StaleLockDeps = {},
): Promise<{ state: LockState; pid?: number }> {
  const alive = deps.isProcessAlive ?? isProcessAlive;
  const now = deps.nowMs ?? Date.now;
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return { state: 'absent' };
    throw err;
  }
  const trimmed = text.trim();
  if (trimmed === '') {
    const info = await stat(lockPath).catch(() => null);
    if (info === null) return { state: 'absent' };
    if (now() - info.mtimeMs < (deps.emptyGraceMs ?? 10_000)) return { state: 'fresh-empty' };
    await unlink(lockPath).catch(() => undefined);
    return { state: 'removed-empty' };
  }
  const pid = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    // Not a lock this library wrote: a garbage file would block every sign-in, so clear it.
    await unlink(lockPath).catch(() => undefined);
    return { state: 'removed-empty' };
  }
  if (alive(pid)) return { state: 'held', pid };
  await unlink(lockPath).catch(() => undefined);
  return { state: 'removed-dead-pid', pid };
}
