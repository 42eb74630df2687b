/**
 * Broker impersonation defence: before connecting, the bridge checks that the directory holding the
 * socket and broker.key is owned by the current user and has no group/other permission bits, and that
 * the key file is the user's and private too. A process of another user squatting the path fails here.
 */
export interface FileFacts {
  uid: number;
  mode: number;
  isDirectory(): boolean;
  isFile(): boolean;
}

export interface PrivateDirDeps {
  /** fs.promises.stat (lstat for the key, so a symlink is not followed). */
  stat(path: string): Promise<FileFacts>;
  lstat(path: string): Promise<FileFacts>;
  /** Current uid; undefined on Windows, where the pipe's ACL and the key in the profile are the defence. */
  uid: number | undefined;
}

export type TrustCheck = { ok: true } | { ok: false; missing: boolean; message: string };

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(3, '0');
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}

export async function checkBrokerDir(dir: string, keyPath: string, deps: PrivateDirDeps): Promise<TrustCheck> {
  if (deps.uid === undefined) return { ok: true };
  let dirFacts: FileFacts;
  try {
    dirFacts = await deps.stat(dir);
  } catch (error) {
    if (isMissing(error)) return { ok: false, missing: true, message: `Graph Bridge is not running (no ${dir}).` };
    throw error;
  }
  if (!dirFacts.isDirectory()) return { ok: false, missing: false, message: `${dir} is not a directory.` };
  if (dirFacts.uid !== deps.uid) {
    return {
      ok: false,
      missing: false,
      message: `Refusing to talk to the broker: ${dir} is owned by uid ${dirFacts.uid}, not you (uid ${deps.uid}). Another user may be impersonating Graph Bridge; remove the directory and restart Graph Bridge.`,
    };
  }
  if ((dirFacts.mode & 0o077) !== 0) {
    return {
      ok: false,
      missing: false,
      message: `Refusing to talk to the broker: ${dir} has mode ${octal(dirFacts.mode)} (group/other access). Run \`chmod 700 '${dir}'\` and restart Graph Bridge.`,
    };
  }
  let keyFacts: FileFacts;
  try {
    keyFacts = await deps.lstat(keyPath);
  } catch (error) {
    if (isMissing(error)) return { ok: false, missing: true, message: `Graph Bridge is not running (no ${keyPath}).` };
    throw error;
  }
  if (!keyFacts.isFile() || keyFacts.uid !== deps.uid || (keyFacts.mode & 0o077) !== 0) {
    return {
      ok: false,
      missing: false,
      message: `Refusing to talk to the broker: ${keyPath} is not a private file of yours (mode ${octal(keyFacts.mode)}, uid ${keyFacts.uid}). Restart Graph Bridge to recreate it.`,
    };
  }
  return { ok: true };
}
