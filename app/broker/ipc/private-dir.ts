/**
 * The broker's private run directory (POSIX): holds broker.sock, broker.key, admin.sock, admin.key.
 *
 * Like gpg-agent, the broker refuses to start when the directory is owned by another user or has any
 * group/other permission bits: another OS user must never reach the socket or read the key.
 */
import type { Stats } from 'node:fs';
import { lstat, mkdir } from 'node:fs/promises';
import type { Result } from '../../shared/result.ts';
import { fail, ok } from '../../shared/result.ts';

export interface PrivateDirDeps {
  /** Current user's uid; undefined on Windows (no POSIX ownership checks there). */
  uid: number | undefined;
}

/** Creates `dir` (0700, parents too) when missing and verifies owner + mode. */
export async function ensurePrivateDir(dir: string, deps: PrivateDirDeps): Promise<Result<void>> {
  if (deps.uid === undefined) {
    await mkdir(dir, { recursive: true });
    return ok(undefined);
  }
  let st = await lstatOrNull(dir);
  if (st === null) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    st = await lstat(dir);
  }
  return checkPrivateDirStat(dir, { isDirectory: st.isDirectory(), uid: st.uid, mode: st.mode }, deps.uid);
}

export interface DirFacts {
  isDirectory: boolean;
  uid: number;
  mode: number;
}

/** Pure check, separated for unit tests. */
export function checkPrivateDirStat(dir: string, st: DirFacts, uid: number): Result<void> {
  if (!st.isDirectory) {
    return fail(
      'INTERNAL',
      `${dir} is not a directory (or is a symbolic link). Remove it and start Graph Bridge again.`,
    );
  }
  if (st.uid !== uid) {
    return fail(
      'INTERNAL',
      `Refusing to start: ${dir} is owned by uid ${st.uid}, not by you (uid ${uid}). Another user could read the ` +
        `broker key. Remove the directory (or fix it: chown ${uid} '${dir}' && chmod 700 '${dir}') and start again.`,
    );
  }
  if ((st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(3, '0');
    return fail(
      'INTERNAL',
      `Refusing to start: ${dir} has permissions ${mode}; group and others must have no access. ` +
        `Fix it with: chmod 700 '${dir}'`,
    );
  }
  return ok(undefined);
}

export function isErrno(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

/** lstat that maps ENOENT to null and rethrows anything else. */
export async function lstatOrNull(path: string): Promise<Stats | null> {
  try {
    return await lstat(path);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return null;
    throw e;
  }
}
