/**
 * Backups of editor config files, written beside the file before every change:
 * `<file>.graph-bridge-backup-<UTC timestamp>` (e.g. `mcp.json.graph-bridge-backup-2026-03-14T10-15-02.123Z`),
 * holding exactly the bytes the change was based on, with the original file's mode. The newest
 * KEEP_BACKUPS per file are kept; older ones of ours are deleted (never anything else).
 */
import { basename, dirname, join } from 'node:path';
import { errnoOf } from '../../shared/errno.ts';
import type { ConfigFs } from './config-fs.ts';

export const BACKUP_MARKER = '.graph-bridge-backup-';
export const KEEP_BACKUPS = 5;

/** UTC timestamp safe in file names on every OS (no ':'), sortable as text. */
export function backupStamp(now: Date): string {
  return now.toISOString().replace(/:/g, '-');
}

export async function writeBackup(
  fs: ConfigFs,
  file: string,
  bytes: Uint8Array,
  options: { mode: number; now: Date },
): Promise<string> {
  const base = `${file}${BACKUP_MARKER}${backupStamp(options.now)}`;
  for (let n = 1; ; n++) {
    const path = n === 1 ? base : `${base}-${n}`;
    try {
      await fs.writeFile(path, bytes, { flag: 'wx', mode: options.mode });
      return path;
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST' || n > 100) throw err;
    }
  }
}

/** Deletes our own older backups of `file`, keeping the newest `keep`. Best effort. */
export async function pruneBackups(fs: ConfigFs, file: string, keep = KEEP_BACKUPS): Promise<void> {
  const prefix = `${basename(file)}${BACKUP_MARKER}`;
  let names: string[];
  try {
    names = (await fs.readdir(dirname(file))).filter((n) => n.startsWith(prefix));
  } catch {
    return;
  }
  names.sort();
  for (const name of names.slice(0, Math.max(0, names.length - keep))) {
    await fs.unlink(join(dirname(file), name)).catch(() => undefined);
  }
}
