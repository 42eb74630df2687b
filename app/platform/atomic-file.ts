/**
 * The one atomic file writer: a temp file in the same directory (created exclusively with the final
 * mode), written, given the mode (and owner, when restoring an editor config someone else's process
 * runs as root for), fsync-ed, renamed over the target, and the directory fsync-ed. A crash leaves the
 * old file or the new one, never half of one; no other user can read it in between. A missing
 * directory is created 0700. On Windows the modes are ignored (the per-user profile's ACLs apply) and
 * directories cannot be fsync-ed (skipped).
 */
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file operations the writer needs (node:fs/promises in production; a failing fake in tests). */
export type AtomicFs = Pick<typeof fsp, 'open' | 'rename' | 'unlink' | 'mkdir'>;

export interface AtomicWriteOptions {
  /** Permission bits of the result (default 0600). */
  mode?: number;
  /** Owner to restore (only honoured where allowed; errors ignored). */
  owner?: { uid: number; gid: number };
  fs?: AtomicFs;
}

export async function writeFileAtomic(path: string, data: string, options: AtomicWriteOptions = {}): Promise<void> {
  const fs = options.fs ?? fsp;
  const mode = options.mode ?? 0o600;
  const dir = dirname(path);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.graph-bridge-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'wx', mode);
  try {
    try {
      await handle.writeFile(data, 'utf8');
      await handle.chmod(mode);
      if (options.owner !== undefined) await handle.chown(options.owner.uid, options.owner.gid).catch(() => undefined);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path);
  } catch (err) {
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(fs, dir);
}

/** Makes the rename durable (POSIX). Windows cannot open directories: ignored there. */
async function syncDir(fs: AtomicFs, dir: string): Promise<void> {
  try {
    const h = await fs.open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    // not supported on this OS / file system
  }
}
