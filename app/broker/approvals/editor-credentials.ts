/**
 * Per-editor credentials: what binds an approval to an editor rather than to a name anyone can claim.
 *
 * `graph-bridge connect <editor>` (and the window's Connect) mints a random 256-bit key into that
 * editor's MCP entry (env GRAPH_BRIDGE_EDITOR_KEY); the bridge sends it in `hello`. Only its SHA-256
 * is kept, in the state dir:
 *
 *   editor-keys.json (0600, atomic write, changed only under `editor-keys.json.lock`, see
 *   app/platform/file-lock.ts — connect, disconnect and the broker's revoke may run in different processes)
 *     { "version": 1, "editors": { "<editor id>": { "hash": "<sha256 hex>", "createdAt": ISO } } }
 *
 * Disconnecting or revoking an editor deletes its hash, so its key stops identifying it at once.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { withFileLock, type LockFs } from '../../platform/file-lock.ts';
import { errnoOf } from '../../shared/errno.ts';
import { isProcessAlive } from '../../platform/process.ts';
import { writeFileAtomic } from '../../platform/atomic-file.ts';

export const EDITOR_KEYS_FILE = 'editor-keys.json';
/** An editor id: what `connect` names the editor (`cursor`, `claude-desktop`, …). */
export const editorIdSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,49}$/);
const editorKeySchema = z.string().regex(/^[0-9a-f]{64}$/);
const hashSchema = z.string().regex(/^[0-9a-f]{64}$/);

const fileSchema = z.object({
  version: z.literal(1),
  editors: z.record(editorIdSchema, z.object({ hash: hashSchema, createdAt: z.iso.datetime() })),
});
type KeysFile = z.infer<typeof fileSchema>;

export interface EditorCredentialDeps {
  /** `<stateDir>/editor-keys.json`. */
  filePath: string;
  now?: () => Date;
  /** Test seams for the lock (defaults: node:fs, this pid, a real liveness check). */
  lockFs?: LockFs;
  pid?: number;
  isProcessAlive?: (pid: number) => boolean;
  randomKey?: () => string;
}

export interface EditorIdentity {
  editor: string;
  /** SHA-256 of the key it presented: an approval is given to exactly this credential. */
  hash: string;
}

export interface EditorCredentials {
  /**
   * The key to write into the editor's entry: `current` when it is this editor's registered key (so a
   * second connect changes nothing), else a freshly minted one that replaces the old hash.
   */
  ensure(editor: string, current?: string): Promise<{ key: string; minted: boolean }>;
  /** Forgets the editor's key (disconnect, revoke). True when there was one. */
  revoke(editor: string): Promise<boolean>;
  /**
   * Which editor a presented key belongs to, or null (unknown, revoked, malformed). Synchronous on
   * purpose: the broker answers `hello` in the same tick so requests pipelined after it see the
   * session, and the file is a few hundred bytes read once per bridge connection.
   */
  identify(key: string): EditorIdentity | null;
  /** Editor id → hash of its current key. */
  hashes(): Promise<Record<string, string>>;
}

export function hashEditorKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export class EditorCredentialError extends Error {
  override readonly name = 'EditorCredentialError';
}

export function createEditorCredentials(deps: EditorCredentialDeps): EditorCredentials {
  const store = keysStore(deps);
  return {
    ensure: (editor, current) => ensureKey(store, editor, current),
    revoke: (editor) => revokeKey(store, editor),
    identify: (key) => identifyKey(deps.filePath, key),
    hashes: () => keyHashes(deps.filePath),
  };
}

/** The keys file with its defaults filled in: where it is, its lock, the clock and the key source. */
interface KeysStore {
  deps: EditorCredentialDeps;
  now: () => Date;
  randomKey: () => string;
  lockPath: string;
}

function keysStore(deps: EditorCredentialDeps): KeysStore {
  return {
    deps,
    now: deps.now ?? (() => new Date()),
    randomKey: deps.randomKey ?? (() => randomBytes(32).toString('hex')),
    lockPath: `${deps.filePath}.lock`,
  };
}

async function ensureKey(
  store: KeysStore,
  editor: string,
  current: string | undefined,
): Promise<{ key: string; minted: boolean }> {
  editorIdSchema.parse(editor);
  const editors = (await readKeysFile(store.deps.filePath)).editors;
  const known = Object.hasOwn(editors, editor) ? editors[editor] : undefined;
  if (current !== undefined && editorKeySchema.safeParse(current).success && known !== undefined) {
    if (sameHash(known.hash, hashEditorKey(current))) return { key: current, minted: false };
  }
  const key = store.randomKey();
  await updateKeysFile(store, (file) => {
    file.editors[editor] = { hash: hashEditorKey(key), createdAt: store.now().toISOString() };
  });
  return { key, minted: true };
}

async function revokeKey(store: KeysStore, editor: string): Promise<boolean> {
  editorIdSchema.parse(editor);
  if (!Object.hasOwn((await readKeysFile(store.deps.filePath)).editors, editor)) return false;
  return updateKeysFile(store, (file) => {
    const had = Object.hasOwn(file.editors, editor);
    delete file.editors[editor];
    return had;
  });
}

function identifyKey(filePath: string, key: string): EditorIdentity | null {
  if (!editorKeySchema.safeParse(key).success) return null;
  const hash = hashEditorKey(key);
  let file: KeysFile;
  try {
    file = readKeysFileSync(filePath);
  } catch {
    return null;
  }
  let found: EditorIdentity | null = null;
  // Compare against every entry (no early exit), each in constant time.
  for (const [editor, rec] of Object.entries(file.editors)) {
    if (sameHash(rec.hash, hash) && found === null) found = { editor, hash };
  }
  return found;
}

async function keyHashes(filePath: string): Promise<Record<string, string>> {
  const file = await readKeysFile(filePath).catch(() => null);
  return Object.fromEntries(Object.entries(file?.editors ?? {}).map(([id, r]) => [id, r.hash]));
}

function parseKeysFile(text: string | null): KeysFile {
  if (text === null) return { version: 1, editors: {} };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const parsed = fileSchema.safeParse(json);
  // A damaged file identifies nobody (every editor is a new pending client) until connect rewrites it.
  return parsed.success ? parsed.data : { version: 1, editors: {} };
}

function orMissing(e: unknown): null {
  if (errnoOf(e) === 'ENOENT') return null;
  throw e;
}

async function readKeysFile(filePath: string): Promise<KeysFile> {
  return parseKeysFile(await fsp.readFile(filePath, 'utf8').catch(orMissing));
}

function readKeysFileSync(filePath: string): KeysFile {
  try {
    return parseKeysFile(readFileSync(filePath, 'utf8'));
  } catch (e) {
    return parseKeysFile(orMissing(e));
  }
}

/** Read-modify-write of the keys file under its cross-process lock; `change` edits the file in place. */
async function updateKeysFile<T>(store: KeysStore, change: (file: KeysFile) => T): Promise<T> {
  const { deps, lockPath } = store;
  await fsp.mkdir(dirname(deps.filePath), { recursive: true, mode: 0o700 });
  const locked = await withFileLock(
    lockPath,
    {
      fs: deps.lockFs ?? fsp,
      pid: deps.pid ?? process.pid,
      isProcessAlive: deps.isProcessAlive ?? isProcessAlive,
      now: store.now,
    },
    async () => {
      const file = await readKeysFile(deps.filePath);
      const result = change(file);
      await writeFileAtomic(deps.filePath, `${JSON.stringify(file, null, 2)}\n`);
      return result;
    },
  );
  if (!locked.acquired) {
    throw new EditorCredentialError(
      `${deps.filePath} is being changed by ${locked.holder} (lock file ${lockPath}). Wait for it to finish and ` +
        `try again; if no Graph Bridge command is running, delete the lock file.`,
    );
  }
  return locked.value;
}
