/**
 * The handle store's journal on disk (handle-store.ts has the design): JSON lines `["<handle>","<value>"]`
 * in two generations, `handles.jsonl` and the previous one `handles.1.jsonl`. Reading verifies every
 * record and re-parses a file only when it changed; appending is one O_APPEND write; past `maxBytes` the
 * journal is renamed over the previous generation.
 */
import { open, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log.ts';
import { handleMatches, storable } from './handle-code.ts';
import { errnoOf } from '../../app/shared/errno.ts';

export const JOURNAL_FILE = 'handles.jsonl';
export const PREVIOUS_FILE = 'handles.1.jsonl';

/** handle → the values recorded for it (normally one). */
export type Owners = Map<string, Set<string>>;

interface Journal {
  /** ino:size:mtime of the file when read ('' = missing). */
  signature: string;
  owners: Owners;
}

/** Both generations as last read. */
export interface Journals {
  previous: Journal;
  current: Journal;
}

export interface JournalFiles {
  current: string;
  previous: string;
  /** Journal size that starts a new generation. */
  maxBytes: number;
  log: Pick<Logger, 'debug'>;
}

const EMPTY: Journal = { signature: '', owners: new Map() };

export const NO_JOURNALS: Journals = { previous: EMPTY, current: EMPTY };

export function journalFiles(dir: string, maxBytes: number, log: Pick<Logger, 'debug'>): JournalFiles {
  return { current: join(dir, JOURNAL_FILE), previous: join(dir, PREVIOUS_FILE), maxBytes, log };
}

export function describe(error: unknown): string {
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

/** Both generations again; a file unchanged since `cached` was read is not parsed again. */
export async function readJournals(files: JournalFiles, cached: Journals): Promise<Journals> {
  return {
    previous: await readJournal(files.previous, cached.previous),
    current: await readJournal(files.current, cached.current),
  };
}

/** Every value either generation records for `handle`. */
export function ownersOf(handle: string, loaded: Journals): Set<string> {
  const out = new Set<string>();
  for (const journal of [loaded.previous, loaded.current])
    for (const value of journal.owners.get(handle) ?? []) out.add(value);
  return out;
}

/** Appends the records with one write, then starts a new generation if the journal grew past maxBytes. */
export async function appendRecords(
  files: JournalFiles,
  records: readonly (readonly [string, string])[],
): Promise<void> {
  // Starts on a new line, so a line torn by a crashed writer never swallows the first record.
  const bytes = Buffer.from(`\n${records.map((r) => JSON.stringify(r)).join('\n')}\n`, 'utf8');
  const file = await open(files.current, 'a', 0o600);
  let size: number;
  try {
    // One write: O_APPEND makes it land whole after whatever other bridges appended.
    const { bytesWritten } = await file.write(bytes);
    if (bytesWritten !== bytes.length) throw new Error(`short write to ${files.current}`);
    size = (await file.stat()).size;
  } finally {
    await file.close();
  }
  if (size > files.maxBytes) await rotate(files);
}

async function rotate(files: JournalFiles): Promise<void> {
  try {
    // Re-checked right before the rename, so of two bridges rotating at once only one moves the full journal.
    if ((await stat(files.current)).size > files.maxBytes) await rename(files.current, files.previous);
  } catch (error) {
    files.log.debug(`handle journal not rotated: ${describe(error)}`);
  }
}
