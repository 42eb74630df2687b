/**
 * The V8 code cache of the bridge's embedded server (docs/bridge.md "Fast start"): V8's compiled
 * bytecode of the bundle, produced by a first start after it served a call (`vm.Script`
 * `createCachedData`) and handed back to V8 by later starts, so they skip parsing and compiling
 * most of it. Works the same on Node 20 and 22 (Node 22's `module.enableCompileCache` covers files
 * the module loader reads, not a string compiled with `vm`).
 *
 * A code cache is code: V8 runs what it holds without re-checking it against the source (its own
 * check compares the source's LENGTH, V8's version and flags). So the file is trusted only when:
 *   - it lies in the per-user cache dir (cacheDir below), a directory that is the user's own and not
 *     writable by group or others, and is itself a regular file (not a link), the user's, mode 0600;
 *   - its header names this exact bundle (SHA-256 of the embedded source, fixed at build time), this
 *     Node version, V8 version and architecture;
 *   - the SHA-256 of its payload matches the header (a torn or altered file is never handed to V8).
 * Anything else is ignored (and replaced by the next write). Writes go to a 0600 temp file in that
 * directory, renamed over the old one, so concurrent starts never see half a file.
 * `GRAPH_BRIDGE_CODE_CACHE=0` turns the cache off (nothing read or written).
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { posix, win32 } from 'node:path';
import { privacyProblem, type PathFacts } from '../../app/shared/private-dir.ts';

export const CODE_CACHE_ENV = 'GRAPH_BRIDGE_CODE_CACHE';
const FORMAT = 'graph-bridge-code-cache/1';
/** Far above any real cache (a few MB); a bigger file is not read. */
const MAX_BYTES = 64 * 1024 * 1024;

export interface CacheDirInput {
  /** `process.platform`. */
  platform: string;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

/**
 * The per-user cache dir: `$GRAPH_BRIDGE_HOME/cache`; else `$XDG_CACHE_HOME/graph-bridge` (Linux,
 * default ~/.cache), `~/Library/Caches/Graph Bridge` (macOS), `%LOCALAPPDATA%\Graph Bridge\Cache`
 * (Windows). Undefined when the cache is turned off.
 */
export function cacheDir(input: CacheDirInput): string | undefined {
  const { platform, env, homedir } = input;
  if (['0', 'false', 'no', 'off'].includes((env[CODE_CACHE_ENV] ?? '').trim().toLowerCase())) return undefined;
  const p = platform === 'win32' ? win32 : posix;
  const home = nonEmpty(env.GRAPH_BRIDGE_HOME);
  if (home !== undefined) return p.join(home, 'cache');
  if (platform === 'win32')
    return p.join(nonEmpty(env.LOCALAPPDATA) ?? p.join(homedir, 'AppData', 'Local'), 'Graph Bridge', 'Cache');
  if (platform === 'darwin') return p.join(homedir, 'Library', 'Caches', 'Graph Bridge');
  return p.join(nonEmpty(env.XDG_CACHE_HOME) ?? p.join(homedir, '.cache'), 'graph-bridge');
}

/** What a cache must have been made for. */
export interface CodeCacheKey {
  /** SHA-256 (hex) of the bundle's source. */
  bundle: string;
  /** `process.version`, `process.versions.v8`, `process.arch`. */
  node: string;
  v8: string;
  arch: string;
}

export interface CodeCacheFile {
  dir: string;
  /** `<dir>/<name>-<first 16 hex of the bundle hash>.v8cache`: one file per bundle and build. */
  path: string;
  /** The POSIX uid that must own the directory and the file; undefined on Windows (ACLs apply). */
  uid: number | undefined;
  key: CodeCacheKey;
}

/** Where this bundle's cache lives for this user; undefined when the cache is turned off. */
export function codeCacheFile(
  input: CacheDirInput & { uid: number | undefined; key: CodeCacheKey; name: string },
): CodeCacheFile | undefined {
  const dir = cacheDir(input);
  if (dir === undefined) return undefined;
  const p = input.platform === 'win32' ? win32 : posix;
  return {
    dir,
    path: p.join(dir, `${input.name}-${input.key.bundle.slice(0, 16)}.v8cache`),
    uid: input.uid,
    key: input.key,
  };
}

type Outcome = { ok: true; data: Buffer } | { ok: false; reason: string };

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Why the cache dir or file may not be trusted (the one private-path rule, app/shared), or null. */
function untrusted(path: string, facts: PathFacts, kind: 'directory' | 'file', uid: number | undefined): string | null {
  if (uid === undefined)
    return kind === 'directory' ? (facts.isDirectory() ? null : `${path} is not a directory`) : null;
  return privacyProblem(path, facts, kind, uid);
}

function header(key: CodeCacheKey, payload: Uint8Array): string {
  return JSON.stringify({ format: FORMAT, ...key, payload: sha256(payload), bytes: payload.byteLength });
}

function readWhole(fd: number, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let read = 0;
  while (read < size) {
    const n = readSync(fd, out, read, size - read, read);
    if (n === 0) break;
    read += n;
  }
  return out.subarray(0, read);
}

/** The cached data for this bundle and runtime, if a trustworthy one exists. */
export function readCodeCache(file: CodeCacheFile): Outcome {
  const { path } = file;
  let dirStat;
  try {
    dirStat = lstatSync(file.dir);
  } catch {
    return { ok: false, reason: 'no cache yet' };
  }
  const dirProblem = untrusted(file.dir, dirStat, 'directory', file.uid);
  if (dirProblem !== null) return { ok: false, reason: dirProblem };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch {
    return { ok: false, reason: 'no cache yet' };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { ok: false, reason: `${path} is not a regular file` };
    const problem = untrusted(path, stat, 'file', file.uid);
    if (problem !== null) return { ok: false, reason: problem };
    if (stat.size > MAX_BYTES) return { ok: false, reason: `${path} is too big` };
    const whole = readWhole(fd, stat.size);
    const nl = whole.indexOf(10);
    if (nl === -1) return { ok: false, reason: 'no header' };
    const data = whole.subarray(nl + 1);
    if (whole.toString('utf8', 0, nl) !== header(file.key, data))
      return { ok: false, reason: 'made for another build or runtime, or damaged' };
    return { ok: true, data };
  } finally {
    closeSync(fd);
  }
}

/** Creates the cache dir (0700) and checks it is the user's and private (fixing our own dir's mode). */
function ensureCacheDir(dir: string, uid: number | undefined): string | null {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  if (stat.isDirectory() && uid !== undefined && stat.uid === uid && (stat.mode & 0o077) !== 0) {
    chmodSync(dir, 0o700);
    return null;
  }
  return untrusted(dir, stat, 'directory', uid);
}

/** Writes the cache for this bundle and runtime atomically; returns why not, or null. */
export function writeCodeCache(file: CodeCacheFile, data: Uint8Array): string | null {
  const problem = ensureCacheDir(file.dir, file.uid);
  if (problem !== null) return problem;
  const { path } = file;
  const tmp = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    const head = Buffer.from(`${header(file.key, data)}\n`, 'utf8');
    writeSync(fd, head);
    for (let written = 0; written < data.byteLength;)
      written += writeSync(fd, data, written, data.byteLength - written);
  } catch (error) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  return null;
}
