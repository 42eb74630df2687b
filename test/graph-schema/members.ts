/**
 * Member paths (`from/emailAddress/address`, `microsoft.graph.fileAttachment/contentBytes`) resolved
 * against a structured type, with the issue shape every query-option check shares.
 */
import type { Schema, TypeRef } from './model.ts';

/**
 * Types whose collections accept properties of derived types without a cast in `$select`,
 * `$filter` and `$orderby`, as the directory does (`/me/memberOf?$select=displayName`, where
 * displayName is on group/user, not on directoryObject). Outlook and OneDrive do not.
 */
export const DERIVED_MEMBERS_ALLOWED: ReadonlySet<string> = new Set(['microsoft.graph.directoryObject']);

export interface MemberOptions {
  /**
   * Match names case-insensitively (the service's URI parser does: `$select=Subject` works). The
   * request check keeps this off so the bridge sends the schema's exact names; the emulator turns it on.
   */
  caseInsensitive?: boolean;
}

/** A member that does not exist: Graph answers "Could not find a property named 'name' on type 'type'." */
export interface MissingMember {
  name: string;
  type: string;
}

/** One problem with a query option; `missing` when it is an unknown member name. */
export interface QueryIssue {
  text: string;
  missing?: MissingMember;
}

export interface Member {
  /** The schema's spelling. */
  name: string;
  ref: TypeRef;
  kind: 'property' | 'navigation';
}

export type MemberResult = { ok: true; member?: Member; type: string } | { ok: false; issue: QueryIssue };

function ownMember(schema: Schema, type: string, name: string, opts: MemberOptions): Member | undefined {
  const exact = (n: string): Member | undefined => {
    const p = schema.property(type, n);
    if (p) return { name: n, ref: p, kind: 'property' };
    const nav = schema.navigation(type, n);
    return nav ? { name: n, ref: nav, kind: 'navigation' } : undefined;
  };
  const hit = exact(name);
  if (hit || !opts.caseInsensitive) return hit;
  const lower = name.toLowerCase();
  const spelled = schema.memberNames(type).find((n) => n.toLowerCase() === lower);
  return spelled ? exact(spelled) : undefined;
}

/** The member `name` of `type` (with inheritance; derived types when the type allows it). */
export function findMember(schema: Schema, type: string, name: string, opts: MemberOptions = {}): Member | undefined {
  const direct = ownMember(schema, type, name, opts);
  if (direct) return direct;
  if (!schema.ancestry(type).some((t) => DERIVED_MEMBERS_ALLOWED.has(t.name))) return undefined;
  for (const d of schema.derived(type)) {
    const hit = ownMember(schema, d, name, opts);
    if (hit) return hit;
  }
  return undefined;
}

export function missingIssue(prefix: string, name: string, type: string): QueryIssue {
  return { text: `${prefix}: no property \`${name}\` on ${type}`, missing: { name, type } };
}

/** `microsoft.graph.x` (or `graph.x`) when it names `cur` or a type derived from it. */
function castTo(schema: Schema, seg: string, cur: string): string | undefined {
  if (!seg.includes('.')) return undefined;
  const cast = schema.qualifiedType(seg);
  return cast && schema.isSameOrDerived(cast, cur) ? cast : undefined;
}

/**
 * Resolves `a/b/c` from `type`: casts (`microsoft.graph.x`), structural properties (into complex
 * types), single-valued navigation properties. A collection or primitive may only be last.
 * `prefix` starts the issue text (e.g. "`$orderby=a/b`").
 */
export function resolveMemberPath(
  schema: Schema,
  type: string,
  path: string,
  opts: MemberOptions & { prefix: string },
): MemberResult {
  const segs = path.split('/').map((s) => s.trim());
  let cur = type;
  let last: Member | undefined;
  for (const seg of segs) {
    if (last && (last.ref.collection || !schema.type(last.ref.type))) {
      const what = last.ref.collection ? 'a collection' : 'a primitive value';
      return { ok: false, issue: { text: `${opts.prefix}: \`${last.name}\` is ${what}; \`${seg}\` cannot follow it` } };
    }
    const cast = castTo(schema, seg, cur);
    if (cast) {
      cur = cast;
      last = undefined;
      continue;
    }
    const m = findMember(schema, cur, seg, opts);
    if (!m) return { ok: false, issue: missingIssue(opts.prefix, seg, cur) };
    last = m;
    cur = m.ref.type;
  }
  return last ? { ok: true, member: last, type: cur } : { ok: true, type: cur };
}
