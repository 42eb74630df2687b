/**
 * `$top`, `$skip`, `$select`, `$orderby`, `$count` parsing and application (spec §8.3).
 * Error codes differ per workload, so callers pass the code to use.
 */
import { loadGraphSchema } from '../../../graph-schema/load.ts';
import { findMember, resolveMemberPath } from '../../../graph-schema/members.ts';
import type { Schema } from '../../../graph-schema/model.ts';
import { badRequest, GraphHttpError } from '../errors.ts';
import { getProp } from './filter.ts';

export interface OrderBy {
  path: string[];
  desc: boolean;
}

export function parseTop(
  query: Map<string, string>,
  limits: { def: number; max: number },
  code = 'BadRequest',
): number {
  const raw = query.get('$top');
  if (raw === undefined) return limits.def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw badRequest(code, `Invalid value '${raw}' for query parameter $top.`);
  return Math.min(n, limits.max);
}

export function parseSkip(query: Map<string, string>, code = 'BadRequest'): number {
  const raw = query.get('$skip');
  if (raw === undefined) return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw badRequest(code, `Invalid value '${raw}' for query parameter $skip.`);
  return n;
}

/**
 * `$select=a,b` → the list (or undefined), each name spelled as the schema spells it. A name is valid
 * when Microsoft's Graph v1.0 schema has it on `typeName` (case-insensitive, inheritance, casts such
 * as `microsoft.graph.fileAttachment/contentBytes`, instance annotations like
 * `@microsoft.graph.downloadUrl`) — not merely when the emulator models it: a valid property the
 * emulator does not fill comes back null. Unknown properties → 400 with the workload's code and the
 * OData "Could not find a property" text. `known` is consulted only for a type the schema lacks.
 */
export function parseSelect(
  query: Map<string, string>,
  opts: { known?: ReadonlySet<string>; typeName: string; code: string; schema?: Schema },
): string[] | undefined {
  const raw = query.get('$select');
  if (raw === undefined || raw.trim() === '') return undefined;
  const schema = opts.schema ?? loadGraphSchema();
  const modelled = schema.type(opts.typeName) !== undefined;
  const knownLower = new Map([...(opts.known ?? [])].map((k) => [k.toLowerCase(), k]));
  const notFound = (p: string, type = opts.typeName): GraphHttpError =>
    badRequest(opts.code, `Could not find a property named '${p}' on type '${type}'.`);
  return raw.split(',').map((s) => {
    const p = s.trim();
    if (p.startsWith('@')) return knownLower.get(p.toLowerCase()) ?? p;
    if (!modelled) {
      const k = knownLower.get(p.toLowerCase());
      if (!k) throw notFound(p);
      return k;
    }
    if (p.includes('/')) {
      const r = resolveMemberPath(schema, opts.typeName, p, { caseInsensitive: true, prefix: '$select' });
      if (!r.ok) throw notFound(r.issue.missing?.name ?? p, r.issue.missing?.type);
      return p;
    }
    const m = findMember(schema, opts.typeName, p, { caseInsensitive: true });
    if (!m) throw notFound(p);
    return m.name;
  });
}

/** Keeps only the selected properties (plus `id` and OData annotations). */
export function applySelect<T extends object>(
  entity: T,
  select: readonly string[] | undefined,
): Record<string, unknown> {
  const rec = entity as Record<string, unknown>;
  if (!select) return { ...rec };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rec)) {
    if (k.startsWith('@odata.') || k === 'id' || select.includes(k)) out[k] = v;
  }
  for (const s of select) if (!(s in out)) out[s] = null;
  return out;
}

export function parseOrderBy(query: Map<string, string>, code = 'BadRequest'): OrderBy[] | undefined {
  const raw = query.get('$orderby');
  if (raw === undefined || raw.trim() === '') return undefined;
  return raw.split(',').map((clause) => {
    const m = /^\s*([\w/.]+)(?:\s+(asc|desc))?\s*$/i.exec(clause);
    if (!m?.[1]) throw badRequest(code, `Invalid $orderby clause '${clause.trim()}'.`);
    return { path: m[1].split('/'), desc: (m[2] ?? '').toLowerCase() === 'desc' };
  });
}

function cmp(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = (typeof a === 'string' ? a : JSON.stringify(a)).toLowerCase();
  const y = (typeof b === 'string' ? b : JSON.stringify(b)).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Stable sort by a list of order clauses. */
export function sortBy<T>(items: readonly T[], order: readonly OrderBy[]): T[] {
  return [...items].sort((a, b) => {
    for (const o of order) {
      const c = cmp(getProp(a, o.path), getProp(b, o.path));
      if (c !== 0) return o.desc ? -c : c;
    }
    return 0;
  });
}

/** `$count=true` → true; anything else but `false` is a 400. */
export function parseCount(query: Map<string, string>): boolean {
  const raw = query.get('$count');
  if (raw === undefined) return false;
  if (raw.toLowerCase() === 'true') return true;
  if (raw.toLowerCase() === 'false') return false;
  throw badRequest('BadRequest', `Invalid value '${raw}' for query parameter $count.`);
}

/** `$search="a b"` → `a b` (quotes optional, as Graph tolerates single words). */
export function parseSearch(query: Map<string, string>): string | undefined {
  const raw = query.get('$search');
  if (raw === undefined) return undefined;
  const t = raw.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

export function isGraphHttpError(e: unknown): e is GraphHttpError {
  return e instanceof GraphHttpError;
}
