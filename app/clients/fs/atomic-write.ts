/**
 * Replaces a file atomically: write a temp file in the same directory, fsync it, give it the
 * original mode (and owner, when running as root on someone's behalf), rename it over the target,
 * then fsync the directory. A crash leaves either the old or the new file, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { ConfigFs } from './config-fs.ts';

export interface AtomicWriteOptions {
  /** Permission bits for the result (the original file's, or 0600 for a new file). */
  mode: number;
  /** Owner to restore (only honoured when allowed; errors ignored). */
  owner?: { uid: number; gid: number };
}

export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.graph-bridge-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

export async function writeFileAtomic(
  fs: ConfigFs,
  file: string,
  data: string,
  options: AtomicWriteOptions,
): Promise<void> {
  const tmp = tempPathFor(file);
  const handle = await fs.open(tmp, 'wx', options.mode);
  try {
    try {
      await handle.writeFile(data, 'utf8');
      await handle.chmod(options.mode);
      if (options.owner !== undefined) await handle.chown(options.owner.uid, options.owner.gid).catch(() => undefined);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(fs, dirname(file));
}

/** Makes the rename durable (POSIX). Windows cannot open directories: ignored there. */
async function syncDir(fs: ConfigFs, dir: string): Promise<void> {
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
