/**
 * The handle store: short handles (handle-code.ts) for long Graph ids and paging links, so a list
 * result costs the model fewer characters; every tool that takes an id resolves them back.
 *
 * Persisted per user so a handle outlives the bridge process that issued it (an editor restarts its
 * bridge; another editor's bridge runs beside it). On disk: a journal of JSON lines
 * `["<handle>","<value>"]` in a private directory (`<tmp>/graph-bridge-<user>/handles/`, 0700; files
 * 0600):
 *   - concurrent bridges never overwrite one another: each issue appends all its new records with one
 *     O_APPEND write, and nothing is ever rewritten in place;
 *   - nothing read back is trusted blindly: a record counts only when its handle is a prefix of its
 *     value's hash, so a torn or foreign line is skipped and a handle never resolves to another value;
 *   - bounded: past `maxBytes` the journal is renamed (atomically) to the previous generation,
 *     replacing the one before it — the oldest handles are evicted; handles in the two newest
 *     generations resolve, and the ones this process issued stay in memory.
 * If the directory cannot be used, issue() gives the values back unchanged (results show raw ids),
 * so a broken store costs characters, never correctness.
 */
import { open, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.ts';
import { errnoOf } from '../../app/shared/errno.ts';
import { MAX_BODY, MIN_BODY, handleBody, handleMatches, isHandle, storable } from './handle-code.ts';

export type HandleLookup =
  | { status: 'found'; value: string }
  | { status: 'unknown' }
  /** Two values claim the handle (two bridges issued it at once for colliding values): refuse. */
  | { status: 'ambiguous' }
  | { status: 'unavailable'; reason: string };

export interface HandleStore {
  /** One handle per value, in order. A value that is short, huge, or cannot be stored comes back as it is. */
  issue(prefix: string, values: readonly string[]): Promise<string[]>;
  /** The value behind a handle. */
  lookup(handle: string): Promise<HandleLookup>;
}

export interface HandleStoreOptions {
  /** The private directory holding the journal. */
  dir: string;
  /** Creates `dir` (0700) and checks it is the user's; throws otherwise. */
  ensureDir(): Promise<void>;
  /** Journal size that starts a new generation (default 256 KiB, about 1,500 Graph ids). */
  maxBytes?: number;
  /** Handles kept in this process's memory (default 5,000). */
  memoryEntries?: number;
  log: Pick<Logger, 'warn' | 'debug'>;
}

export const JOURNAL_FILE = 'handles.jsonl';
export const PREVIOUS_FILE = 'handles.1.jsonl';

/** handle → the values recorded for it (normally one). */
type Owners = Map<string, Set<string>>;

interface Journal {
  /** ino:size:mtime of the file when read ('' = missing). */
  signature: string;
  owners: Owners;
}

const EMPTY: Journal = { signature: '', owners: new Map() };

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Parses a journal; lines that are not a verified ["handle","value"] pair are skipped. */
export function parseJournal(text: string): Owners {
  const owners: Owners = new Map();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    if (!Array.isArray(record) || record.length !== 2) continue;
    const [handle, value] = record as unknown[];
    if (typeof handle !== 'string' || typeof value !== 'string') continue;
    if (!storable(value) || !handleMatches(handle, value)) continue;
    const set = owners.get(handle) ?? new Set<string>();
    set.add(value);
    owners.set(handle, set);
  }
  return owners;
}

async function readJournal(path: string, cached: Journal): Promise<Journal> {
  let signature: string;
  try {
    const facts = await stat(path);
    signature = `${facts.ino}:${facts.size}:${facts.mtimeMs}`;
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return EMPTY;
    throw error;
  }
  if (signature === cached.signature) return cached;
  try {
    return { signature, owners: parseJournal(await readFile(path, 'utf8')) };
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return EMPTY;
    throw error;
  }
}

export function createHandleStore(options: HandleStoreOptions): HandleStore {
  const maxBytes = options.maxBytes ?? 256 * 1024;
  const memoryEntries = options.memoryEntries ?? 5000;
  const current = join(options.dir, JOURNAL_FILE);
  const previous = join(options.dir, PREVIOUS_FILE);
  /** Handles this process issued or resolved (insertion order = age, for eviction). */
  const memory = new Map<string, string>();
  let journals = { previous: EMPTY, current: EMPTY };
  let ready: Promise<void> | undefined;
  let warned = false;

  const remember = (handle: string, value: string): void => {
    memory.delete(handle);
    memory.set(handle, value);
    if (memory.size > memoryEntries) {
      const oldest = memory.keys().next().value;
      if (oldest !== undefined) memory.delete(oldest);
    }
  };

  const ensureDir = (): Promise<void> => {
    ready ??= options.ensureDir().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };

  const load = async (): Promise<typeof journals> => {
    journals = {
      previous: await readJournal(previous, journals.previous),
      current: await readJournal(current, journals.current),
    };
    return journals;
  };

  const ownersOf = (handle: string, loaded: typeof journals): Set<string> => {
    const out = new Set<string>();
    for (const journal of [loaded.previous, loaded.current])
      for (const value of journal.owners.get(handle) ?? []) out.add(value);
    return out;
  };

  /** The shortest handle for `value` that no other value holds (in the journals or this batch). */
  const choose = (prefix: string, value: string, loaded: typeof journals, batch: Map<string, string>): string => {
    const body = handleBody(prefix, value);
    for (let length = MIN_BODY; length <= MAX_BODY; length++) {
      const handle = prefix + body.slice(0, length);
      const owners = ownersOf(handle, loaded);
      const inBatch = batch.get(handle);
      if (inBatch !== undefined && inBatch !== value) continue;
      const mine = memory.get(handle);
      if (mine !== undefined && mine !== value) continue;
      if ([...owners].every((v) => v === value)) return handle;
    }
    return value;
  };

  const append = async (records: readonly (readonly [string, string])[]): Promise<void> => {
    // Starts on a new line, so a line torn by a crashed writer never swallows the first record.
    const bytes = Buffer.from(`\n${records.map((r) => JSON.stringify(r)).join('\n')}\n`, 'utf8');
    const file = await open(current, 'a', 0o600);
    let size: number;
    try {
      // One write: O_APPEND makes it land whole after whatever other bridges appended.
      const { bytesWritten } = await file.write(bytes);
      if (bytesWritten !== bytes.length) throw new Error(`short write to ${current}`);
      size = (await file.stat()).size;
    } finally {
      await file.close();
    }
    if (size > maxBytes) await rotate();
  };

  const rotate = async (): Promise<void> => {
    try {
      // Re-checked right before the rename, so of two bridges rotating at once only one moves the full journal.
      if ((await stat(current)).size > maxBytes) await rename(current, previous);
    } catch (error) {
      options.log.debug(`handle journal not rotated: ${describe(error)}`);
    }
  };

  const warnOnce = (error: unknown): void => {
    if (warned) return;
    warned = true;
    options.log.warn(
      `short ids are off: the handle store in ${options.dir} cannot be used (${describe(error)}); results show full Graph ids`,
    );
  };

  return {
    async issue(prefix, values) {
      if (!values.some(storable)) return [...values];
      try {
        await ensureDir();
        const loaded = await load();
        const batch = new Map<string, string>();
        const out = values.map((value) => {
          if (!storable(value)) return value;
          const handle = choose(prefix, value, loaded, batch);
          if (handle !== value && !loaded.current.owners.get(handle)?.has(value)) batch.set(handle, value);
          return handle;
        });
        if (batch.size > 0) await append([...batch]);
        out.forEach((handle, i) => {
          const value = values[i];
          if (value !== undefined && handle !== value) remember(handle, value);
        });
        return out;
      } catch (error) {
        warnOnce(error);
        return [...values];
      }
    },

    async lookup(handle) {
      if (!isHandle(handle)) return { status: 'unknown' };
      const mine = memory.get(handle);
      if (mine !== undefined) return { status: 'found', value: mine };
      let loaded: typeof journals;
      try {
        loaded = await load();
      } catch (error) {
        return { status: 'unavailable', reason: describe(error) };
      }
      const owners = [...ownersOf(handle, loaded)];
      const [value] = owners;
      if (value === undefined) return { status: 'unknown' };
      if (owners.length > 1) return { status: 'ambiguous' };
      remember(handle, value);
      return { status: 'found', value };
    },
  };
}
