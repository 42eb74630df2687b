/**
 * Where downloaded file content goes: GRAPH_BRIDGE_DOWNLOAD_DIR, or a per-user private temp dir
 * (<tmp>/graph-bridge-<uid>/downloads, 0700). Names come from Graph (untrusted): reduced to a safe
 * base name (no separators, no leading dots, no control characters) and made unique with 'wx' opens.
 *
 * Two ways in: saveDownload (bytes already in memory: small files, base64 fields) and streamDownload
 * (a response body streamed from the socket to the file with backpressure, in constant memory — what
 * every file download uses, via GraphApi.downloadToFile). A stream that fails, is cancelled or passes
 * `maxBytes` leaves no file behind.
 */
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
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

/** A new private file (0600, 'wx': never an existing file or a planted symlink) with a unique safe name. */
async function createUnique(
  options: DownloadDirOptions,
  fileName: string,
): Promise<{ path: string; handle: FileHandle }> {
  const dir = resolveDownloadDir(options);
  if (options.dir !== undefined) await mkdir(dir, { recursive: true, mode: 0o700 });
  else await ensureUserTempDir(dir, options.uid);
  const safe = safeFileName(fileName);
  const ext = extname(safe);
  const stem = safe.slice(0, safe.length - ext.length);
  for (let i = 0; i < 1000; i++) {
    const path = join(dir, i === 0 ? safe : `${stem} (${i + 1})${ext}`);
    try {
      return { path, handle: await open(path, 'wx', 0o600) };
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') throw error;
    }
  }
  throw new Error(`too many files named ${safe} in ${dir}`);
}

/** Writes `fill` into a new unique file; on any failure the partial file is removed. */
async function writeUnique(
  options: DownloadDirOptions,
  fileName: string,
  fill: (handle: FileHandle) => Promise<number>,
): Promise<{ path: string; bytes: number }> {
  const { path, handle } = await createUnique(options, fileName);
  let bytes: number;
  try {
    bytes = await fill(handle);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw error;
  }
  try {
    await handle.close();
  } catch (error) {
    await unlink(path).catch(() => undefined);
    throw error;
  }
  return { path, bytes };
}

export async function saveDownload(options: DownloadDirOptions, fileName: string, bytes: Uint8Array): Promise<string> {
  const saved = await writeUnique(options, fileName, async (handle) => {
    await handle.writeFile(bytes);
    return bytes.length;
  });
  return saved.path;
}

/** Thrown by streamDownload when the body passes `maxBytes` (the file is removed). */
export class DownloadTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the download is larger than ${maxBytes} bytes`);
    this.name = 'DownloadTooLargeError';
  }
}

/** Thrown by streamDownload when the file could not be created or written (not a network failure). */
export class DownloadWriteError extends Error {
  constructor(override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'DownloadWriteError';
  }
}

/**
 * Streams `body` into a new file in the download folder: chunk by chunk as the socket delivers them,
 * with backpressure (a slow disk pauses the socket), so memory stays flat whatever the size. Rejects
 * with DownloadTooLargeError past `maxBytes`, with the body's own error when it fails or is destroyed
 * (a cancellation destroys it), with DownloadWriteError when the folder or file fails; in every
 * failure the partial file is removed.
 */
export interface StreamTarget {
  /** The name Graph gave (untrusted: made safe and unique). */
  fileName: string;
  body: Readable;
  maxBytes: number;
  /** Called every COLLECT_EVERY_BYTES written (production: young-gc.ts, so dead chunks leave RSS). */
  collect?: () => void;
}

/** How often a long download lets the young generation be collected. */
export const COLLECT_EVERY_BYTES = 8 * 1024 * 1024;

export function streamDownload(
  options: DownloadDirOptions,
  target: StreamTarget,
): Promise<{ path: string; bytes: number }> {
  const { fileName, body, maxBytes, collect } = target;
  let bodyError: unknown;
  body.once('error', (error) => {
    bodyError = error;
  });
  return writeUnique(options, fileName, async (handle) => {
    let total = 0;
    let nextCollect = COLLECT_EVERY_BYTES;
    const capped = async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
      for await (const chunk of source) {
        total += chunk.length;
        if (total > maxBytes) throw new DownloadTooLargeError(maxBytes);
        if (collect && total >= nextCollect) {
          nextCollect = total + COLLECT_EVERY_BYTES;
          collect();
        }
        yield chunk;
      }
    };
    await pipeline(body, capped, handle.createWriteStream());
    return total;
  }).catch((error: unknown) => {
    body.destroy();
    if (error === bodyError || error instanceof DownloadTooLargeError) throw error;
    throw new DownloadWriteError(error);
  });
}
