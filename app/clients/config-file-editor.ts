/**
 * One safe read-modify-write of an editor config file:
 *   resolve symlinks → create the folder if missing → take the advisory lock → read + parse (refuse on
 *   any syntax error) → compute the new text → stop if nothing changes → refuse a read-only file →
 *   back up the bytes we read → check nobody changed the file meanwhile → atomic replace → unlock.
 *
 * Files it creates beside the config (all named after it): `<file>.graph-bridge.lock` (while running),
 * `<file>.graph-bridge-backup-<UTC>` (before each change, newest 5 kept), `.<file>.graph-bridge-*.tmp`
 * (during the rename only).
 */
import { constants as fsConstants } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../platform/atomic-file.ts';
import { pruneBackups, writeBackup } from './fs/backup.ts';
import { errnoOf } from '../shared/errno.ts';
import { fsErrorResult, type ConfigFs } from './fs/config-fs.ts';
import { withFileLock, type LockDeps } from '../platform/file-lock.ts';
import { parseConfig, type ConfigSyntax, type ParsedConfig } from './jsonc/parse-config.ts';
import { joinBom } from './jsonc/text-style.ts';
import { errResult, type ClientsError } from './result.ts';
import { ok, type Result } from '../shared/result.ts';

export interface ConfigEditDeps {
  fs: ConfigFs;
  now: () => Date;
  pid: number;
  isProcessAlive: (pid: number) => boolean;
  sleep?: (ms: number) => Promise<void>;
  lockTimeoutMs?: number;
  /** Test seam: runs between reading the file and writing it (to widen race windows on purpose). */
  afterRead?: () => Promise<void>;
}

export interface ConfigEditRequest {
  file: string;
  syntax: ConfigSyntax;
  /** Mode for folders we have to create (editors create theirs 0755-ish; ours would be 0700). */
  dirMode: number;
  /** What to tell the user to do by hand if we cannot write, e.g. "run `graph-bridge connect --print zed`". */
  manualHint: string;
  /** New body text (without BOM), or null for "nothing to change". */
  transform(parsed: ParsedConfig): Result<string | null, ClientsError>;
}

export interface ConfigEditOutcome {
  /** The file actually written (symlinks resolved). */
  file: string;
  changed: boolean;
  created: boolean;
  backup: string | null;
}

interface Snapshot {
  bytes: Buffer | null;
  mode: number;
  owner?: { uid: number; gid: number };
}

const NEW_FILE_MODE = 0o600;
const MAX_ATTEMPTS = 3;

async function resolveTarget(fs: ConfigFs, file: string): Promise<string> {
  try {
    return await fs.realpath(file);
  } catch {
    return file;
  }
}

async function snapshot(fs: ConfigFs, file: string): Promise<Snapshot> {
  try {
    const st = await fs.stat(file);
    const bytes = await fs.readFile(file);
    return { bytes, mode: st.mode & 0o7777, owner: { uid: st.uid, gid: st.gid } };
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return { bytes: null, mode: NEW_FILE_MODE };
    throw err;
  }
}

function decodeUtf8(bytes: Buffer, file: string): Result<string, ClientsError> {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) {
    return errResult(
      'CONFIG_INVALID',
      `${file} is not UTF-8 text (it may be saved as UTF-16). Graph Bridge did not change it. ` +
        `Re-save it as UTF-8 in a text editor, then run the command again.`,
      { file },
    );
  }
  return ok(text);
}

/**
 * A rename would replace even a file we may not write, so ask first: no write bit at all (a file the
 * user locked, honoured even for root), or no write access for this user (owned by someone else,
 * marked immutable). Returns why not, or null when writable.
 */
async function whyNotWritable(fs: ConfigFs, file: string, mode: number): Promise<string | null> {
  const octal = mode.toString(8).padStart(4, '0');
  if ((mode & 0o222) === 0) return `is read-only (mode ${octal})`;
  return fs.access(file, fsConstants.W_OK).then(
    () => null,
    (err: unknown) =>
      `is not writable for you (${errnoOf(err) ?? 'no access'}; mode ${octal}): it belongs to another user or is marked immutable`,
  );
}

async function attempt(
  req: ConfigEditRequest,
  deps: ConfigEditDeps,
  file: string,
): Promise<Result<ConfigEditOutcome, ClientsError> | 'retry'> {
  const snap = await snapshot(deps.fs, file);
  const decoded = snap.bytes === null ? ok('') : decodeUtf8(snap.bytes, file);
  if (!decoded.ok) return decoded;
  const parsed = parseConfig(decoded.value, req.syntax, file);
  if (!parsed.ok) return parsed;
  const next = req.transform(parsed.value);
  if (!next.ok) return next;
  const nextText = next.value === null ? null : joinBom(parsed.value.style.bom, next.value);
  if (nextText === null || (snap.bytes !== null && nextText === decoded.value)) {
    return ok({ file, changed: false, created: false, backup: null });
  }
  const notWritable = snap.bytes === null ? null : await whyNotWritable(deps.fs, file, snap.mode);
  if (notWritable !== null) {
    return errResult(
      'PERMISSION_DENIED',
      `${file} ${notWritable}, so Graph Bridge left it alone. Make it writable (e.g. \`chmod u+w "${file}"\`, ` +
        `or \`chattr -i\` if immutable) and run the command again, or ${req.manualHint}.`,
      { file },
    );
  }
  await deps.afterRead?.();
  const backup =
    snap.bytes === null ? null : await writeBackup(deps.fs, file, snap.bytes, { mode: snap.mode, now: deps.now() });
  const current = await snapshot(deps.fs, file);
  const unchanged =
    current.bytes === null ? snap.bytes === null : snap.bytes !== null && current.bytes.equals(snap.bytes);
  if (!unchanged) {
    if (backup !== null) await deps.fs.unlink(backup).catch(() => undefined);
    return 'retry';
  }
  try {
    await writeFileAtomic(file, nextText, {
      fs: deps.fs,
      mode: snap.mode,
      ...(snap.owner ? { owner: snap.owner } : {}),
    });
  } catch (err) {
    // The file is unchanged, so its backup would only be clutter.
    if (backup !== null) await deps.fs.unlink(backup).catch(() => undefined);
    throw err;
  }
  if (backup !== null) await pruneBackups(deps.fs, file);
  return ok({ file, changed: true, created: snap.bytes === null, backup });
}

export async function editConfigFile(
  req: ConfigEditRequest,
  deps: ConfigEditDeps,
): Promise<Result<ConfigEditOutcome, ClientsError>> {
  const file = await resolveTarget(deps.fs, req.file);
  try {
    await deps.fs.mkdir(dirname(file), { recursive: true, mode: req.dirMode });
  } catch (err) {
    return fsErrorResult(err, 'create the folder of', file, req.manualHint);
  }
  const lockDeps: LockDeps = {
    fs: deps.fs,
    pid: deps.pid,
    isProcessAlive: deps.isProcessAlive,
    now: deps.now,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.lockTimeoutMs !== undefined ? { timeoutMs: deps.lockTimeoutMs } : {}),
  };
  try {
    const locked = await withFileLock(`${file}.graph-bridge.lock`, lockDeps, async () => {
      for (let i = 1; ; i++) {
        const result = await attempt(req, deps, file);
        if (result !== 'retry') return result;
        if (i >= MAX_ATTEMPTS) {
          return errResult<ConfigEditOutcome>(
            'LOCKED',
            `${file} kept changing while Graph Bridge tried to update it (is the editor rewriting it?). ` +
              `Close the editor and run the command again.`,
            { file },
          );
        }
      }
    });
    if (!locked.acquired) {
      return errResult(
        'LOCKED',
        `${file} is being updated by ${locked.holder} (lock file ${file}.graph-bridge.lock). ` +
          `Wait for it to finish and retry; if no Graph Bridge command is running, delete the lock file.`,
        { file },
      );
    }
    return locked.value;
  } catch (err) {
    return fsErrorResult(err, 'update', file, req.manualHint);
  }
}
