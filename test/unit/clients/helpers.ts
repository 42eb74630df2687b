/** Shared helpers for the app/clients tests: a temp home, a context, and the "only our entry changed" proof. */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parse, type ParseError } from 'jsonc-parser';
import { nodeLauncher } from '../../../app/clients/bridge-launcher.ts';
import type { ClientsContext } from '../../../app/clients/connections.ts';
import { isProcessAlive, nodeConfigFs } from '../../../app/clients/fs/config-fs.ts';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'editors');

export const TEST_LAUNCHER = nodeLauncher({
  nodePath: '/usr/bin/node',
  bridgeEntry: '/opt/graph-bridge/dist/bridge.js',
  cliEntry: '/opt/graph-bridge/dist/cli.js',
});

export async function tempHome(): Promise<{ home: string; cleanup: () => Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), 'gb-clients-'));
  return { home, cleanup: () => rm(home, { recursive: true, force: true }) };
}

/** A Linux context rooted at `home`; the clock advances 1 s per call so backup names differ. */
export function testContext(home: string, overrides: Partial<ClientsContext> = {}): ClientsContext {
  let t = Date.parse('2026-03-14T10:15:02.000Z');
  return {
    paths: { platform: 'linux', env: { XDG_CONFIG_HOME: join(home, '.config') }, homedir: home },
    launcher: TEST_LAUNCHER,
    fs: nodeConfigFs,
    now: () => new Date((t += 1000)),
    pid: process.pid,
    isProcessAlive,
    ...overrides,
  };
}

/** Parses with the lenient JSONC rules and fails the test on any error. */
export function parseStrictly(text: string, jsonc: boolean): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text.replace(/^\uFEFF/, ''), errors, {
    allowTrailingComma: jsonc,
    disallowComments: !jsonc,
  });
  assert.deepEqual(errors, [], 'result must parse');
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * Proves `result` is `original` plus at most two inserted spans whose text, without whitespace, is one
 * of `allowed` (our entry, its comma, a container we created). So every original byte is kept, in order.
 */
export function assertOnlyInserted(original: string, result: string, allowed: readonly string[]): void {
  const p = commonPrefix(original, result);
  const maxSuffix = Math.min(original.length, result.length) - p;
  let s = 0;
  while (s < maxSuffix && original[original.length - 1 - s] === result[result.length - 1 - s]) s++;
  const mo = original.slice(p, original.length - s);
  const mr = result.slice(p, result.length - s);
  let spans: string[];
  if (mo === '') spans = [mr];
  else {
    const at = mr.indexOf(mo);
    assert.ok(at >= 0, `original bytes were changed near offset ${p}: ${JSON.stringify(mo.slice(0, 80))}`);
    spans = [mr.slice(0, at), mr.slice(at + mo.length)];
  }
  const inserted = spans.join('').replace(/\s+/g, '');
  assert.ok(
    allowed.map((a) => a.replace(/\s+/g, '')).includes(inserted),
    `unexpected inserted text ${JSON.stringify(inserted)}`,
  );
}

/** The compact forms an insertion of `"name": entry` into `container` may take. */
export function allowedInsertions(container: readonly string[], name: string, entry: unknown): string[] {
  let leaf = `${JSON.stringify(name)}:${JSON.stringify(entry)}`;
  const forms = [leaf];
  for (let i = container.length - 1; i >= 0; i--) {
    leaf = `${JSON.stringify(container[i])}:{${leaf}}`;
    forms.push(leaf);
  }
  return [...forms.flatMap((f) => [f, `,${f}`, `${f},`]), `{${leaf}}`];
}

export async function listBackups(file: string): Promise<string[]> {
  const names = await readdir(dirname(file)).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith(`${basename(file)}.graph-bridge-backup-`)).map((n) => join(dirname(file), n));
}

/** Files we might leave behind by mistake: locks and temp files. */
export async function listLeftovers(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('.graph-bridge.lock') || n.endsWith('.tmp'));
}
