/**
 * OData system query options checked against the schema: `$select`, `$expand` (with nested
 * options), `$orderby` and `$filter` names; `$top`/`$skip`/`$count` values; unknown `$` options.
 * Custom (non-`$`) parameters such as calendarView's startDateTime are the service's and not checked.
 */
import { checkFilter } from './filter.ts';
import { findMember, noMember, resolveMemberPath } from './members.ts';
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
export function checkSelect(schema: Schema, type: string, value: string): string[] {
  const errors: string[] = [];
  for (const raw of splitTopLevel(value, ',')) {
    const item = raw.trim();
    if (item === '' || item === '*') continue;
    if (item.endsWith('.*')) continue; // all operations of a namespace
    const r = item.includes('/') ? resolveMemberPath(schema, type, item) : undefined;
    if (r && !r.ok) errors.push(`\`$select=${item}\`: ${r.error}`);
    if (!r && !findMember(schema, type, item)) errors.push(`\`$select=${item}\`: ${noMember(item, type)}`);
  }
  return errors;
}

/** `$orderby=a/b desc,c` on `type`. */
export function checkOrderBy(schema: Schema, type: string, value: string): string[] {
  const errors: string[] = [];
  for (const raw of splitTopLevel(value, ',')) {
    const m = /^\s*(\S+)(?:\s+(asc|desc))?\s*$/i.exec(raw);
    if (!m?.[1]) {
      errors.push(`\`$orderby=${raw.trim()}\`: not \`property [asc|desc]\``);
      continue;
    }
    const path = m[1].replace(/\/\$count$/, '');
    const r = resolveMemberPath(schema, type, path);
    if (!r.ok) errors.push(`\`$orderby=${m[1]}\`: ${r.error}`);
  }
  return errors;
}

/** `$expand=nav,nav2($select=a;$top=2;$expand=x)` on `type`. */
export function checkExpand(schema: Schema, type: string, value: string): string[] {
  const errors: string[] = [];
  for (const raw of splitTopLevel(value, ',')) {
    const item = raw.trim();
    if (item === '' || item === '*') continue;
    const paren = item.indexOf('(');
    const path = (paren < 0 ? item : item.slice(0, paren)).trim().replace(/\/\$(ref|count)$/, '');
    const nested = paren < 0 ? '' : item.slice(paren + 1, item.lastIndexOf(')'));
    const segs = path.split('/');
    let cur = type;
    let ok = true;
    for (const seg of segs) {
      const cast = seg.includes('.') ? schema.qualifiedType(seg) : undefined;
      if (cast && schema.isSameOrDerived(cast, cur)) {
        cur = cast;
        continue;
      }
      const m = findMember(schema, cur, seg);
      if (!m) {
        errors.push(`\`$expand=${path}\`: ${noMember(seg, cur)}`);
        ok = false;
        break;
      }
      if (m.kind !== 'navigation') {
        errors.push(`\`$expand=${path}\`: \`${seg}\` on ${cur} is not a navigation property`);
        ok = false;
        break;
      }
      cur = m.ref.type;
    }
    if (ok && nested) {
      for (const opt of splitTopLevel(nested, ';')) {
        const eq = opt.indexOf('=');
        const name = opt
          .slice(0, eq < 0 ? undefined : eq)
          .trim()
          .toLowerCase();
        errors.push(
          ...checkOptionValue(schema, cur, name, eq < 0 ? '' : opt.slice(eq + 1)).map(
            (e) => `in \`$expand=${path}(…)\`: ${e}`,
          ),
        );
      }
    }
  }
  return errors;
}

function checkNumber(name: string, value: string): string[] {
  return /^\d+$/.test(value.trim()) ? [] : [`\`${name}=${value}\`: not a non-negative integer`];
}

function checkOptionValue(schema: Schema, type: string | undefined, name: string, value: string): string[] {
  if (!SYSTEM_OPTIONS.has(name)) return [`\`${name}\`: not an OData system query option`];
  const needsType = name === '$select' || name === '$expand' || name === '$orderby' || name === '$filter';
  if (needsType && type === undefined) return [`\`${name}\`: the resource is not an entity or complex value`];
  if (name === '$select') return checkSelect(schema, type as string, value);
  if (name === '$expand') return checkExpand(schema, type as string, value);
  if (name === '$orderby') return checkOrderBy(schema, type as string, value);
  if (name === '$filter') return checkFilter(schema, type as string, value).map((e) => `\`$filter\`: ${e}`);
  if (name === '$top' || name === '$skip' || name === '$levels')
    return value === 'max' && name === '$levels' ? [] : checkNumber(name, value);
  if (name === '$count' && !/^(true|false)$/i.test(value)) return [`\`$count=${value}\`: must be true or false`];
  return [];
}

/** Every system query option in `query` checked against `type` (the element type for collections). */
export function checkQueryOptions(schema: Schema, type: string | undefined, query: Map<string, string>): string[] {
  const errors: string[] = [];
  for (const [name, value] of query) {
    if (!name.startsWith('$')) continue;
    errors.push(...checkOptionValue(schema, type, name, value));
  }
  return errors;
}
