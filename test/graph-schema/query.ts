/**
 * OData system query options checked against the schema: `$select`, `$expand` (with nested
 * options), `$orderby` and `$filter` names; `$top`/`$skip`/`$count` values; unknown `$` options.
 * Custom (non-`$`) parameters such as calendarView's startDateTime are the service's and not checked.
 */
import { checkFilter } from './filter.ts';
import { findMember, missingIssue, resolveMemberPath, type MemberOptions, type QueryIssue } from './members.ts';
import type { Schema } from './model.ts';
import { splitTopLevel } from './path.ts';

const SYSTEM_OPTIONS = new Set([
  '$select',
  '$expand',
  '$filter',
  '$orderby',
  '$top',
  '$skip',
  '$count',
  '$search',
  '$skiptoken',
  '$deltatoken',
  '$format',
  '$levels',
]);

/** The options whose values name members of the resource's type. */
export const MEMBER_OPTIONS: ReadonlySet<string> = new Set(['$select', '$expand', '$orderby', '$filter']);

/** Parses a raw query string; `$` option names are lower-cased (OData options are case-insensitive). */
export function parseRawQuery(rawQuery: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of rawQuery.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decodeQueryPart(eq < 0 ? part : part.slice(0, eq));
    const value = decodeQueryPart(eq < 0 ? '' : part.slice(eq + 1));
    out.set(key.startsWith('$') ? key.toLowerCase() : key, value);
  }
  return out;
}

function decodeQueryPart(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** `$select=a,b/c,microsoft.graph.x/y` on `type`. */
export function checkSelect(schema: Schema, type: string, value: string, opts: MemberOptions = {}): QueryIssue[] {
  const issues: QueryIssue[] = [];
  for (const raw of splitTopLevel(value, ',')) {
    const item = raw.trim();
    // `ns.*` = all operations of a namespace; `@microsoft.graph.downloadUrl` = an instance annotation.
    if (item === '' || item === '*' || item.endsWith('.*') || item.startsWith('@')) continue;
    const prefix = `\`$select=${item}\``;
    if (item.includes('/')) {
      const r = resolveMemberPath(schema, type, item, { ...opts, prefix });
      if (!r.ok) issues.push(r.issue);
    } else if (!findMember(schema, type, item, opts)) issues.push(missingIssue(prefix, item, type));
  }
  return issues;
}

/** `$orderby=a/b desc,c` on `type`. */
export function checkOrderBy(schema: Schema, type: string, value: string, opts: MemberOptions = {}): QueryIssue[] {
  const issues: QueryIssue[] = [];
  for (const raw of splitTopLevel(value, ',')) {
    const m = /^\s*(\S+)(?:\s+(asc|desc))?\s*$/i.exec(raw);
    if (!m?.[1]) {
      issues.push({ text: `\`$orderby=${raw.trim()}\`: not \`property [asc|desc]\`` });
      continue;
    }
    const r = resolveMemberPath(schema, type, m[1].replace(/\/\$count$/, ''), {
      ...opts,
      prefix: `\`$orderby=${m[1]}\``,
    });
    if (!r.ok) issues.push(r.issue);
  }
  return issues;
}

/** The navigation path of one `$expand` item; its type, or an issue. */
function expandTarget(schema: Schema, type: string, path: string, opts: MemberOptions): QueryIssue | string {
  let cur = type;
  for (const seg of path.split('/')) {
    const cast = seg.includes('.') ? schema.qualifiedType(seg) : undefined;
    if (cast && schema.isSameOrDerived(cast, cur)) {
      cur = cast;
      continue;
    }
    const m = findMember(schema, cur, seg, opts);
    if (!m) return missingIssue(`\`$expand=${path}\``, seg, cur);
    if (m.kind !== 'navigation')
      return { text: `\`$expand=${path}\`: \`${seg}\` on ${cur} is not a navigation property` };
    cur = m.ref.type;
  }
  return cur;
}

/** `$expand=nav,nav2($select=a;$top=2;$expand=x)` on `type`. */
export function checkExpand(schema: Schema, type: string, value: string, opts: MemberOptions = {}): QueryIssue[] {
  const issues: QueryIssue[] = [];
  for (const raw of splitTopLevel(value, ',')) {
    const item = raw.trim();
    if (item === '' || item === '*') continue;
    const paren = item.indexOf('(');
    const path = (paren < 0 ? item : item.slice(0, paren)).trim().replace(/\/\$(ref|count)$/, '');
    const target = expandTarget(schema, type, path, opts);
    if (typeof target !== 'string') {
      issues.push(target);
      continue;
    }
    if (paren < 0) continue;
    for (const opt of splitTopLevel(item.slice(paren + 1, item.lastIndexOf(')')), ';')) {
      const eq = opt.indexOf('=');
      const name = opt
        .slice(0, eq < 0 ? undefined : eq)
        .trim()
        .toLowerCase();
      const nested = checkOption(schema, target, name, eq < 0 ? '' : opt.slice(eq + 1), opts);
      issues.push(...nested.map((n) => ({ ...n, text: `in \`$expand=${path}(…)\`: ${n.text}` })));
    }
  }
  return issues;
}

function checkNumber(name: string, value: string): QueryIssue[] {
  return /^\d+$/.test(value.trim()) ? [] : [{ text: `\`${name}=${value}\`: not a non-negative integer` }];
}

function checkOption(
  schema: Schema,
  type: string | undefined,
  name: string,
  value: string,
  opts: MemberOptions,
): QueryIssue[] {
  if (!SYSTEM_OPTIONS.has(name)) return [{ text: `\`${name}\`: not an OData system query option` }];
  if (MEMBER_OPTIONS.has(name) && type === undefined) {
    return [{ text: `\`${name}\`: the resource is not an entity or complex value` }];
  }
  const t = type as string;
  if (name === '$select') return checkSelect(schema, t, value, opts);
  if (name === '$expand') return checkExpand(schema, t, value, opts);
  if (name === '$orderby') return checkOrderBy(schema, t, value, opts);
  if (name === '$filter') return checkFilter(schema, t, value, opts);
  if (name === '$levels' && value === 'max') return [];
  if (name === '$top' || name === '$skip' || name === '$levels') return checkNumber(name, value);
  if (name === '$count' && !/^(true|false)$/i.test(value))
    return [{ text: `\`$count=${value}\`: must be true or false` }];
  return [];
}

/**
 * Every system query option in `query` checked against `type` (the element type for collections;
 * undefined when the resource has none, e.g. `$value`). `only` restricts the options checked.
 */
export function checkQueryOptions(
  schema: Schema,
  type: string | undefined,
  query: Map<string, string>,
  opts: MemberOptions & { only?: ReadonlySet<string> } = {},
): QueryIssue[] {
  const issues: QueryIssue[] = [];
  for (const [name, value] of query) {
    if (!name.startsWith('$') || (opts.only && !opts.only.has(name))) continue;
    issues.push(...checkOption(schema, type, name, value, opts));
  }
  return issues;
}
