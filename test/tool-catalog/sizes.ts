/**
 * The tool catalog's size budget (issue #12) and how it is measured — one definition for the unit test
 * (test/unit/bridge/catalog-budget.test.ts), `npm run bench` (test/bench/bridge.ts) and the generated
 * tool table in docs/bridge.md (tool-table.ts).
 *
 * A list's size is the UTF-8 bytes of the `tools/list` result as JSON (`{"tools":[…]}`, what an
 * editor receives and a model's context holds); a tool's size is the bytes of its entry. KB here is
 * 1,000 bytes.
 */
import { DEFAULT_TOOL_GROUPS, TOOL_GROUPS } from '../../app/shared/tool-groups.ts';
import type { FastStartManifest } from '../../bridge/fast-start/manifest.ts';

export const CATALOG_BUDGET = {
  /** Every group enabled. */
  allGroupsBytes: 64_000,
  /** The groups a new install enables (settings DEFAULT_TOOL_GROUPS). */
  defaultGroupsBytes: 40_000,
  /** One tool's tools/list entry. */
  toolBytes: 2_500,
  /** A description says what the tool does and when to use it: at most this long … */
  descriptionChars: 300,
  /** … and at most this many sentences (countSentences). */
  descriptionSentences: 2,
} as const;

/** UTF-8 bytes of a value as JSON (as it crosses stdio). */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** Bytes of the tools/list result that lists exactly these entries. */
export const listBytes = (listings: readonly unknown[]): number => jsonBytes({ tools: listings });

/** Abbreviations whose dot does not end a sentence. */
const ABBREVIATIONS = /\b(?:e\.g|i\.e|etc|vs|approx|incl)\./gi;

/**
 * Sentences in a description: each run of text ended by `.`, `!` or `?` followed by whitespace or
 * the end, not counting the dots of e.g./i.e./etc./vs. or inside a token (`a.b`, `3.5`, `/v1.0/`).
 */
export function countSentences(text: string): number {
  const plain = text.replace(ABBREVIATIONS, (m) => m.replaceAll('.', ''));
  const ends = plain.match(/[.!?]+(?=\s|$)/g)?.length ?? 0;
  const trailing = /[.!?]\s*$/.test(plain) ? 0 : plain.trim().length > 0 ? 1 : 0;
  return ends + trailing;
}

export interface GroupSize {
  group: string;
  tools: number;
  bytes: number;
  default: boolean;
}

export interface CatalogSizes {
  /** Every group (and every tool, read-write). */
  all: number;
  /** The default groups. */
  defaults: number;
  /** Each group alone, in TOOL_GROUPS order. */
  groups: GroupSize[];
  /** Every tool's entry, in catalog order. */
  tools: { name: string; group: string; bytes: number }[];
  largest: { name: string; bytes: number };
}

/** The sizes of a recorded manifest's listings (the real server's tools/list answer, read-write). */
export function catalogSizes(manifest: FastStartManifest): CatalogSizes {
  const inGroups = (groups: readonly string[]) =>
    manifest.tools.filter((t) => groups.includes(t.group)).map((t) => t.listing);
  const defaults: readonly string[] = DEFAULT_TOOL_GROUPS;
  const tools = manifest.tools.map((t) => ({ name: t.name, group: t.group, bytes: jsonBytes(t.listing) }));
  const largest = tools.reduce((a, b) => (b.bytes > a.bytes ? b : a), { name: '', group: '', bytes: 0 });
  return {
    all: listBytes(manifest.tools.map((t) => t.listing)),
    defaults: listBytes(inGroups(defaults)),
    groups: TOOL_GROUPS.map((group) => ({
      group,
      tools: inGroups([group]).length,
      bytes: listBytes(inGroups([group])),
      default: defaults.includes(group),
    })),
    tools,
    largest: { name: largest.name, bytes: largest.bytes },
  };
}

/** 12345 → "12.3 KB". */
export const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} KB`;
