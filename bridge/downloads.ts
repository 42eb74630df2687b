/**
 * Where downloaded file content goes: GRAPH_BRIDGE_DOWNLOAD_DIR, or a per-user private temp dir
 * (<tmp>/graph-bridge-<uid>/downloads, 0700). Names come from Graph (untrusted): reduced to a safe
 * base name (no separators, no leading dots, no control characters) and made unique with 'wx' opens.
 */
import { mkdir, open } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { errnoOf } from '../app/shared/errno.ts';
import { ensurePrivateDir } from '../app/shared/private-dir.ts';

export interface DownloadDirOptions {
  /** Explicit directory (GRAPH_BRIDGE_DOWNLOAD_DIR). */
  dir?: string;
  tmpdir: string;
  /** uid (POSIX) or user name, to keep users apart in a shared temp dir. */
  userTag: string;
  uid: number | undefined;
}

export function safeFileName(name: string): string {
  const base = basename(name.replace(/\\/g, '/'));
  let cleaned = base
    .normalize('NFC')
    .replace(/[<>:"/\\|?*]/g, '_')
    .replace(/[\s\S]/gu, (ch) => (ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127 ? '_' : ch))
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (cleaned === '' || /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(cleaned))
    cleaned = `download${cleaned ? `-${cleaned}` : ''}`;
  if (cleaned.length > 120) {
    const ext = extname(cleaned).slice(0, 20);
    cleaned = cleaned.slice(0, 120 - ext.length) + ext;
  }
  return cleaned;
}

export function resolveDownloadDir(options: DownloadDirOptions): string {
  return options.dir ?? userTempDir(options, 'downloads');
}

/** `<tmp>/graph-bridge-<user>/<name>`: the per-user private temp dir's sub-directory `name`. */
export function userTempDir(options: Pick<DownloadDirOptions, 'tmpdir' | 'userTag'>, name: string): string {
  return join(options.tmpdir, `graph-bridge-${options.userTag}`, name);
}

/**
 * Creates a userTempDir (and its `graph-bridge-<user>` parent) 0700 and checks both are the user's,
 * private and no symbolic link (app/shared/private-dir.ts; a mode that is merely too open is fixed):
 * the temp dir is shared, so another user could have created either first.
 */
export async function ensureUserTempDir(dir: string, uid: number | undefined): Promise<void> {
  for (const d of [dirname(dir), dir]) {
    const check = await ensurePrivateDir(d, { uid, repairMode: true });
    if (!check.ok) throw new Error(`${check.problem}; set GRAPH_BRIDGE_DOWNLOAD_DIR to a folder of yours`);
  }
}

export async function saveDownload(options: DownloadDirOptions, fileName: string, bytes: Uint8Array): Promise<string> {
  const dir = resolveDownloadDir(options);
  if (options.dir !== undefined) await mkdir(dir, { recursive: true, mode: 0o700 });
  else await ensureUserTempDir(dir, options.uid);
  const safe = safeFileName(fileName);
  const ext = extname(safe);
  const stem = safe.slice(0, safe.length - ext.length);
  for (let i = 0; i < 1000; i++) {
    const candidate = join(dir, i === 0 ? safe : `${stem} (${i + 1})${ext}`);
    try {
      const handle = await open(candidate, 'wx', 0o600);
      try {
        await handle.writeFile(bytes);
      } finally {
        await handle.close();
      }
      return candidate;
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') throw error;
    }
  }
  throw new Error(`too many files named ${safe} in ${dir}`);
}
