/**
 * Where downloaded file content goes: GRAPH_BRIDGE_DOWNLOAD_DIR, or a per-user private temp dir
 * (<tmp>/graph-bridge-<uid>/downloads, 0700). Names come from Graph (untrusted): reduced to a safe
 * base name (no separators, no leading dots, no control characters) and made unique with 'wx' opens.
 */
import { chmod, mkdir, open, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

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

/** Creates `dir` 0700; unless `explicit`, checks it and its parent are the user's and private (fixing the mode). */
export async function ensurePrivateDir(dir: string, explicit: boolean, uid: number | undefined): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (explicit || uid === undefined) return;
  const parent = join(dir, '..');
  for (const d of [parent, dir]) {
    const facts = await stat(d);
    if (facts.uid !== uid)
      throw new Error(`${d} is owned by another user; set GRAPH_BRIDGE_DOWNLOAD_DIR to a folder of yours`);
    if ((facts.mode & 0o077) !== 0) await chmod(d, 0o700);
  }
}

export async function saveDownload(options: DownloadDirOptions, fileName: string, bytes: Uint8Array): Promise<string> {
  const dir = resolveDownloadDir(options);
  await ensurePrivateDir(dir, options.dir !== undefined, options.uid);
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
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`too many files named ${safe} in ${dir}`);
}
