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
 *
 * handle-journal.ts reads, appends to and rotates the journal; this file chooses handles and resolves them.
 */
import type { Logger } from '../log.ts';
import { MAX_BODY, MIN_BODY, handleBody, isHandle, storable } from './handle-code.ts';
import {
  NO_JOURNALS,
  appendRecords,
  describe,
  journalFiles,
  ownersOf,
  readJournals,
  type JournalFiles,
  type Journals,
} from './handle-journal.ts';

export { JOURNAL_FILE, PREVIOUS_FILE, parseJournal } from './handle-journal.ts';

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

interface StoreState {
  readonly options: HandleStoreOptions;
  readonly files: JournalFiles;
  readonly memoryEntries: number;
  /** Handles this process issued or resolved (insertion order = age, for eviction). */
  readonly memory: Map<string, string>;
  journals: Journals;
  ready: Promise<void> | undefined;
  warned: boolean;
}

function remember(state: StoreState, handle: string, value: string): void {
  const { memory } = state;
  memory.delete(handle);
  memory.set(handle, value);
  if (memory.size > state.memoryEntries) {
    const oldest = memory.keys().next().value;
    if (oldest !== undefined) memory.delete(oldest);
  }
}

/** Creates the directory once; a failure is retried by the next call. */
function ensureDir(state: StoreState): Promise<void> {
  state.ready ??= state.options.ensureDir().catch((error: unknown) => {
    state.ready = undefined;
    throw error;
  });
  return state.ready;
}

async function load(state: StoreState): Promise<Journals> {
  state.journals = await readJournals(state.files, state.journals);
  return state.journals;
}

function warnOnce(state: StoreState, error: unknown): void {
  if (state.warned) return;
  state.warned = true;
  state.options.log.warn(
    `short ids are off: the handle store in ${state.options.dir} cannot be used (${describe(error)}); results show full Graph ids`,
  );
}

/** The shortest handle for `value` that no other value holds (in the journals, this batch or memory). */
function choose(
  state: StoreState,
  prefix: string,
  value: string,
  context: { loaded: Journals; batch: Map<string, string> },
): string {
  const body = handleBody(prefix, value);
  for (let length = MIN_BODY; length <= MAX_BODY; length++) {
    const handle = prefix + body.slice(0, length);
    const owners = ownersOf(handle, context.loaded);
    const inBatch = context.batch.get(handle);
    if (inBatch !== undefined && inBatch !== value) continue;
    const mine = state.memory.get(handle);
    if (mine !== undefined && mine !== value) continue;
    if ([...owners].every((v) => v === value)) return handle;
  }
  return value;
}

async function issue(state: StoreState, prefix: string, values: readonly string[]): Promise<string[]> {
  if (!values.some(storable)) return [...values];
  try {
    await ensureDir(state);
    const loaded = await load(state);
    const batch = new Map<string, string>();
    const out = values.map((value) => {
      if (!storable(value)) return value;
      const handle = choose(state, prefix, value, { loaded, batch });
      if (handle !== value && !loaded.current.owners.get(handle)?.has(value)) batch.set(handle, value);
      return handle;
    });
    if (batch.size > 0) await appendRecords(state.files, [...batch]);
    out.forEach((handle, i) => {
      const value = values[i];
      if (value !== undefined && handle !== value) remember(state, handle, value);
    });
    return out;
  } catch (error) {
    warnOnce(state, error);
    return [...values];
  }
}

async function lookup(state: StoreState, handle: string): Promise<HandleLookup> {
  if (!isHandle(handle)) return { status: 'unknown' };
  const mine = state.memory.get(handle);
  if (mine !== undefined) return { status: 'found', value: mine };
  let loaded: Journals;
  try {
    loaded = await load(state);
  } catch (error) {
    return { status: 'unavailable', reason: describe(error) };
  }
  const owners = [...ownersOf(handle, loaded)];
  const [value] = owners;
  if (value === undefined) return { status: 'unknown' };
  if (owners.length > 1) return { status: 'ambiguous' };
  remember(state, handle, value);
  return { status: 'found', value };
}

export function createHandleStore(options: HandleStoreOptions): HandleStore {
  const state: StoreState = {
    options,
    files: journalFiles(options.dir, options.maxBytes ?? 256 * 1024, options.log),
    memoryEntries: options.memoryEntries ?? 5000,
    memory: new Map(),
    journals: NO_JOURNALS,
    ready: undefined,
    warned: false,
  };
  return {
    issue: (prefix, values) => issue(state, prefix, values),
    lookup: (handle) => lookup(state, handle),
  };
}
