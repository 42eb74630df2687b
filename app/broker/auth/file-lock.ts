/**
 * A small cross-process mutex on a lock file: created with `open(path, 'wx')`, holding the owner's PID
 * (the format msal-node-extensions uses too, so stale-lock.ts understands it), removed on release.
 * A lock whose owner died is cleared by clearStaleLock while waiting, so a crash cannot block forever.
 */
import { open, unlink } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { clearStaleLock, type StaleLockDeps } from './stale-lock.ts';

export interface FileLockOptions {
  pid: number;
  /** Give up waiting after this long. Default 30 s. */
  timeoutMs?: number;
  /** Poll interval while another process holds the lock. Default 50 ms. */
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  nowMs?: () => number;
  staleLock?: StaleLockDeps;
}

export async function withFileLock<T>(
  path: string,
  what: string,
  options: FileLockOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const now = options.nowMs ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => delay(ms).then(() => undefined));
  const deadline = now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.write(String(options.pid));
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      await clearStaleLock(path, options.staleLock);
      if (now() >= deadline) {
        throw new Error(
          `${what}: another Graph Bridge process has held ${path} for too long. If no other Graph Bridge process is running, delete that file.`,
          { cause: err },
        );
      }
      await sleep(options.pollMs ?? 50);
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}
