/**
 * Member paths (`from/emailAddress/address`, `microsoft.graph.fileAttachment/contentBytes`) resolved
 * against a structured type, with the error texts every query-option check shares.
 */
import type { Schema, TypeRef } from './model.ts';

/**
 * Types whose collections accept properties of derived types without a cast in `$select`,
 * `$filter` and `$orderby`, as the directory does (`/me/memberOf?$select=displayName`, where
 * displayName is on group/user, not on directoryObject). Outlook and OneDrive do not.
 */
export const DERIVED_MEMBERS_ALLOWED: ReadonlySet<string> = new Set(['microsoft.graph.directoryObject']);

export type MemberResult =
  | {
      ok: true;
      ref: TypeRef;
      kind: 'property' | 'navigation';
      /** complex or entity type when structured */ structured: boolean;
    }
  | { ok: false; error: string };

/** The member `name` of `type` (with inheritance; derived types when the type allows it). */
export function findMember(
  schema: Schema,
  type: string,
  name: string,
): { ref: TypeRef; kind: 'property' | 'navigation' } | undefined {
  const own = (t: string): { ref: TypeRef; kind: 'property' | 'navigation' } | undefined => {
    const p = schema.property(t, name);
    if (p) return { ref: p, kind: 'property' };
    const n = schema.navigation(t, name);
    if (n) return { ref: n, kind: 'navigation' };
    return undefined;
  };
  const direct = own(type);
  if (direct) return direct;
  const lenient = schema.ancestry(type).some((t) => DERIVED_MEMBERS_ALLOWED.has(t.name));
  if (!lenient) return undefined;
  for (const d of schema.derived(type)) {
    const hit = own(d);
    if (hit) return hit;
  }
  return undefined;
}

export function noMember(name: string, type: string): string {
  return `no property \`${name}\` on ${type}`;
}

/**
 * Resolves `a/b/c` from `type`: casts (`microsoft.graph.x`), structural properties (into complex
 * types), single-valued navigation properties. A collection may only be the last segment.
 */
export function resolveMemberPath(schema: Schema, type: string, path: string): MemberResult {
  const segs = path.split('/');
  let cur = type;
  let last: { ref: TypeRef; kind: 'property' | 'navigation' } | undefined;
  for (let i = 0; i < segs.length; i++) {
    const seg = (segs[i] ?? '').trim();
    if (last && (last.ref.collection || !schema.type(last.ref.type))) {
      return {
        ok: false,
        error: `\`${segs.slice(0, i).join('/')}\` is ${last.ref.collection ? 'a collection' : 'a primitive'}; \`${seg}\` cannot follow it`,
      };
    }
    if (seg.includes('.')) {
      const cast = schema.qualifiedType(seg);
      if (cast && schema.isSameOrDerived(cast, cur)) {
        cur = cast;
        continue;
      }
      if (cast) return { ok: false, error: `\`${seg}\` is not derived from ${cur}` };
    }
    const m = findMember(schema, cur, seg);
    if (!m) return { ok: false, error: noMember(seg, cur) };
    last = m;
    cur = m.ref.type;
  }
  if (!last) return { ok: true, ref: { type: cur, collection: false }, kind: 'property', structured: true };
  return { ok: true, ref: last.ref, kind: last.kind, structured: schema.type(last.ref.type) !== undefined };
}
