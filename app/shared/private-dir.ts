/**
 * The one private-directory check (POSIX): a path that holds a socket, a key or a user's downloads must
 * be owned by the current user, with no group/other permission bits, and not be a symbolic link (it is
 * lstat-ed, never followed: a link could be re-pointed after the check). Like gpg-agent, the broker
 * refuses to start on a run dir that fails it, the bridge refuses to talk to a broker whose dir or key
 * fails it (another user squatting the path), the CLI sends nothing to such an admin socket, and the
 * bridge's per-user temp dirs are checked the same way. On Windows (`uid` undefined) the per-user
 * profile's ACLs and the pipe's ACL are the defence, and only the directory is created.
 */
import { chmod, lstat, mkdir } from 'node:fs/promises';
import { errnoOf } from './errno.ts';

/** What lstat says about a path (node's Stats satisfies it). */
export interface PathFacts {
  uid: number;
  mode: number;
  isDirectory(): boolean;
  isFile(): boolean;
}

export interface PrivateCheckDeps {
  /** The current user's uid; undefined on Windows (no POSIX ownership checks there). */
  uid: number | undefined;
  /** fs.promises.lstat by default (injected by tests). */
  lstat?: (path: string) => Promise<PathFacts>;
}

export type PrivateCheck = { ok: true } | { ok: false; missing: boolean; problem: string };

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(3, '0');
}

/** What is wrong with `path` as a private `kind` of the user `uid`, or null when nothing is. */
export function privacyProblem(path: string, facts: PathFacts, kind: 'directory' | 'file', uid: number): string | null {
  if (kind === 'directory' ? !facts.isDirectory() : !facts.isFile()) {
    return `${path} is not a ${kind} (or is a symbolic link)`;
  }
  if (facts.uid !== uid) return `${path} is owned by uid ${facts.uid}, not by you (uid ${uid})`;
  if ((facts.mode & 0o077) !== 0) {
    return `${path} has permissions ${octal(facts.mode)}; group and others must have no access`;
  }
  return null;
}

/** Checks that `path` exists and is a private `kind` of the current user (always ok without a uid). */
export async function checkPrivate(
  path: string,
  kind: 'directory' | 'file',
  deps: PrivateCheckDeps,
): Promise<PrivateCheck> {
  if (deps.uid === undefined) return { ok: true };
  let facts: PathFacts;
  try {
    facts = await (deps.lstat ?? lstat)(path);
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return { ok: false, missing: true, problem: `${path} does not exist` };
    throw e;
  }
  const problem = privacyProblem(path, facts, kind, deps.uid);
  return problem === null ? { ok: true } : { ok: false, missing: false, problem };
}

/**
 * Creates `dir` (and missing parents) with mode 0700 when it is missing, then checks it. With
 * `repairMode`, a directory of the user's that only has group/other bits is chmod-ed to 0700 instead
 * of refused (the bridge's temp dirs; never the broker's run dir, whose opened-up mode the user must see).
 */
export async function ensurePrivateDir(
  dir: string,
  options: { uid: number | undefined; repairMode?: boolean },
): Promise<PrivateCheck> {
  if (options.uid === undefined) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return { ok: true };
  }
  let check = await checkPrivate(dir, 'directory', options);
  if (!check.ok && check.missing) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    check = await checkPrivate(dir, 'directory', options);
  }
  if (check.ok || options.repairMode !== true) return check;
  const facts = await lstat(dir);
  if (!facts.isDirectory() || facts.uid !== options.uid) return check;
  await chmod(dir, 0o700);
  return checkPrivate(dir, 'directory', options);
}
