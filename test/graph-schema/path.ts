/**
 * Resolves a Graph v1.0 URL path (below the version root, still percent-encoded) segment by segment
 * against the schema: entity sets and singletons, keys (`/x/{id}` and `x('id')`), navigation and
 * structural properties, type casts, `$value`, `$count`, `$ref`, bound actions and functions (with
 * `name(p='v')` parameters, qualified or not), OneDrive's colon paths (`root:/a/b.txt:/content`,
 * `items/{id}:/name:`, `sites/{host}:/sites/x:`), `/$batch` and `/$metadata`.
 */
import type { OperationDef, Schema, TypeRef } from './model.ts';

export type PathNode =
  | { kind: 'collection'; type: string; label: string; restrictionKey?: string; navigation?: boolean }
  | {
      kind: 'entity';
      type: string;
      label: string;
      singleton?: boolean;
      restrictionKey?: string;
      /** Reached through a navigation property (so `$ref` applies). */
      navigation?: boolean;
      /** Addressed by key (`/x/{id}`, `x('id')`), not a single-valued navigation. */
      keyed?: boolean;
    }
  | { kind: 'complex'; type: string; collection: boolean; label: string }
  | { kind: 'primitive'; type: string; collection: boolean; label: string }
  | { kind: 'stream'; label: string }
  | { kind: 'value'; of: 'stream' | 'primitive'; label: string }
  | { kind: 'count'; label: string }
  | { kind: 'ref'; collection: boolean; label: string }
  | { kind: 'action'; op: OperationDef; label: string }
  | { kind: 'function'; op: OperationDef; label: string }
  | { kind: 'batch'; label: string }
  | { kind: 'metadata'; label: string }
  | { kind: 'root'; label: string };

/** `segment`: the (decoded) segment the path failed at. */
export type PathResult = { ok: true; node: PathNode } | { ok: false; error: string; segment: string };

class PathError extends Error {}

function fail(message: string): never {
  throw new PathError(message);
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Splits on `/` outside function-call parentheses and quotes (arguments may contain `/`). Quotes
 * and parentheses may arrive percent-encoded; they are decoded first for the split only. When the
 * parentheses never balance (a file name such as `a(b.txt`), it falls back to a plain split.
 */
export function splitSegments(rawPath: string): string[] {
  const s = rawPath.replace(/%27/gi, "'").replace(/%28/gi, '(').replace(/%29/gi, ')');
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let quoted = false;
  for (const ch of s) {
    if (ch === "'" && depth > 0) quoted = !quoted;
    // Only `name(` opens an argument list: a file name such as `Q3 (draft).txt` stays literal.
    else if (!quoted && ch === '(' && (depth > 0 || /^[A-Za-z_$][\w.]*$/.test(cur))) depth++;
    else if (!quoted && ch === ')') depth = Math.max(0, depth - 1);
    if (ch === '/' && depth === 0 && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  const parts = depth === 0 && !quoted ? out : rawPath.split('/');
  return parts.filter((x, i) => x !== '' || (i > 0 && i < parts.length - 1)).map(decode);
}

/** `name(a='x',b=2)` → name and arguments (raw values); `name` alone → no parens. */
export function parseCall(segment: string): { name: string; args?: Map<string, string>; rawArgs?: string } {
  const m = /^([^()]+)\((.*)\)$/s.exec(segment);
  if (!m?.[1]) return { name: segment };
  const rawArgs = m[2] ?? '';
  const args = new Map<string, string>();
  for (const part of splitTopLevel(rawArgs, ',')) {
    const eq = part.indexOf('=');
    if (eq > 0) args.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return { name: m[1], args, rawArgs };
}

/** Splits on `sep` outside quotes and parentheses. */
export function splitTopLevel(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch === "'") {
      if (quoted && s[i + 1] === "'") {
        cur += "''";
        i++;
        continue;
      }
      quoted = !quoted;
    } else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    if (ch === sep && depth === 0 && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '' || out.length > 0) out.push(cur);
  return out;
}

/** The element type a node's query options apply to (collections: the element). */
export function structuredTypeOf(node: PathNode): string | undefined {
  if (node.kind === 'collection' || node.kind === 'entity' || node.kind === 'complex') return node.type;
  if (node.kind === 'function' || node.kind === 'action') return node.op.returns?.type;
  return undefined;
}

interface Ctx {
  schema: Schema;
}

function castTarget(ctx: Ctx, name: string, from: string): string | undefined {
  if (!name.includes('.')) return undefined;
  const full = ctx.schema.qualifiedType(name);
  if (!full) return undefined;
  if (!ctx.schema.isSameOrDerived(full, from)) fail(`\`${name}\` is not a type derived from ${from}`);
  return full;
}

function checkFunctionArgs(
  op: OperationDef,
  args: Map<string, string> | undefined,
  segment: string,
): string | undefined {
  if (op.kind === 'action') {
    return args ? `\`${segment}\`: ${op.name} is an action; actions take no arguments in the URL` : undefined;
  }
  const given = args ?? new Map<string, string>();
  for (const name of given.keys()) {
    if (!op.parameters.some((p) => p.name === name)) {
      return `\`${segment}\`: function ${op.name} has no parameter \`${name}\` (parameters: ${op.parameters.map((p) => p.name).join(', ') || 'none'})`;
    }
  }
  const missing = op.parameters.filter((p) => !p.optional && !given.has(p.name)).map((p) => p.name);
  if (missing.length > 0)
    return `\`${segment}\`: function ${op.name} needs ${missing.map((m) => `\`${m}\``).join(', ')}`;
  return undefined;
}

/**
 * Picks the overload whose parameters fit; the first error otherwise. A function written without
 * parentheses fits when all its parameters are optional (Microsoft's docs write `…/messages/delta`);
 * an action never takes URL arguments.
 */
function pickOverload(ops: OperationDef[], args: Map<string, string> | undefined, segment: string): OperationDef {
  const errors: string[] = [];
  for (const op of ops) {
    const e = checkFunctionArgs(op, args, segment);
    if (!e) return op;
    errors.push(e);
  }
  fail(errors[0] ?? `\`${segment}\`: no matching overload`);
}

function operationNode(ctx: Ctx, binding: TypeRef, segment: string, label: string): PathNode | undefined {
  const call = parseCall(segment);
  const ops = ctx.schema.boundOperations(call.name, binding);
  if (ops.length === 0) return undefined;
  const op = pickOverload(ops, call.args, segment);
  if (op.kind === 'action') return { kind: 'action', op, label };
  if (op.composable && op.returns) return returnNode(ctx, op.returns, label) ?? { kind: 'function', op, label };
  return { kind: 'function', op, label };
}

function returnNode(ctx: Ctx, ref: TypeRef, label: string): PathNode | undefined {
  const t = ctx.schema.type(ref.type);
  if (!t) return undefined;
  if (t.kind === 'complex') return { kind: 'complex', type: ref.type, collection: ref.collection, label };
  return ref.collection ? { kind: 'collection', type: ref.type, label } : { kind: 'entity', type: ref.type, label };
}

function rootNode(ctx: Ctx, segment: string): PathNode {
  const label = `/${segment}`;
  if (segment === '$batch') return { kind: 'batch', label };
  if (segment === '$metadata') return { kind: 'metadata', label };
  const call = parseCall(segment);
  const set = ctx.schema.model.entitySets[call.name];
  if (set) {
    const rk = `microsoft.graph.GraphService/${call.name}`;
    if (call.args === undefined) return { kind: 'collection', type: set, label, restrictionKey: rk };
    if (call.rawArgs === undefined || call.rawArgs.trim() === '') fail(`\`${segment}\`: empty key`);
    return { kind: 'entity', type: set, label, restrictionKey: rk, keyed: true };
  }
  const single = ctx.schema.model.singletons[segment];
  if (single) return { kind: 'entity', type: single, label, singleton: true };
  fail(`\`/${segment}\`: no entity set or singleton named \`${segment}\` in Microsoft Graph v1.0`);
}

/** One step from an entity (or complex value) by name. */
function memberStep(ctx: Ctx, node: PathNode & { type: string }, segment: string, label: string): PathNode {
  const { schema } = ctx;
  const call = parseCall(segment);
  if (segment === '$value') {
    const streamy = [node.type, ...schema.derived(node.type)].some((t) => schema.type(t)?.hasStream);
    if (node.kind !== 'entity' || !streamy) fail(`\`$value\`: ${node.type} has no media stream`);
    return { kind: 'value', of: 'stream', label };
  }
  if (segment === '$ref') fail('`$ref` must follow a navigation property');
  const cast = castTarget(ctx, segment, node.type);
  if (cast) return { ...node, type: cast, label } as PathNode;
  const nav = call.args === undefined ? schema.navigation(node.type, segment) : schema.navigation(node.type, call.name);
  if (nav) {
    const rk = `${declaringType(ctx, node.type, call.name)}/${call.name}`;
    if (call.args !== undefined) {
      if (!nav.collection) fail(`\`${segment}\`: ${call.name} is not a collection; it takes no key`);
      return { kind: 'entity', type: nav.type, label, restrictionKey: rk, navigation: true, keyed: true };
    }
    return nav.collection
      ? { kind: 'collection', type: nav.type, label, restrictionKey: rk, navigation: true }
      : { kind: 'entity', type: nav.type, label, restrictionKey: rk, navigation: true };
  }
  const prop = call.args === undefined ? schema.property(node.type, segment) : undefined;
  if (prop) {
    if (prop.type === 'Edm.Stream') return { kind: 'stream', label };
    if (schema.type(prop.type)) return { kind: 'complex', type: prop.type, collection: prop.collection, label };
    return { kind: 'primitive', type: prop.type, collection: prop.collection, label };
  }
  const op = operationNode(ctx, { type: node.type, collection: false }, segment, label);
  if (op) return op;
  fail(`\`${segment}\`: no property, navigation property or bound operation \`${call.name}\` on ${node.type}`);
}

/** The type in the ancestry that declares a navigation property (restriction annotations name it). */
function declaringType(ctx: Ctx, type: string, nav: string): string {
  return ctx.schema.ancestry(type).find((t) => Object.hasOwn(t.navigation, nav))?.name ?? type;
}

function collectionStep(ctx: Ctx, node: PathNode & { kind: 'collection' }, segment: string, label: string): PathNode {
  if (segment === '$count') return { kind: 'count', label };
  if (segment === '$ref')
    return node.navigation
      ? { kind: 'ref', collection: true, label }
      : fail('`$ref` must follow a navigation property');
  if (segment === '$value') fail('`$value` cannot follow a collection');
  const cast = castTarget(ctx, segment, node.type);
  if (cast) return { ...node, type: cast, label };
  const op = operationNode(ctx, { type: node.type, collection: true }, segment, label);
  if (op) return op;
  if (segment.startsWith('$')) fail(`\`${segment}\`: not a valid segment after a collection`);
  // Anything else is a key: `/messages/{id}`, `/mailFolders/inbox` (well-known names are keys too).
  return {
    kind: 'entity',
    type: node.type,
    label,
    keyed: true,
    ...(node.restrictionKey ? { restrictionKey: node.restrictionKey } : {}),
    ...(node.navigation ? { navigation: true } : {}),
  };
}

function step(ctx: Ctx, node: PathNode, segment: string, label: string): PathNode {
  if (node.kind === 'collection') return collectionStep(ctx, node, segment, label);
  if (node.kind === 'entity') {
    if (segment !== '$ref') return memberStep(ctx, node, segment, label);
    return node.navigation
      ? { kind: 'ref', collection: false, label }
      : fail('`$ref` must follow a navigation property');
  }
  if (node.kind === 'complex') {
    if (!node.collection) return memberStep(ctx, node, segment, label);
    if (segment === '$count') return { kind: 'count', label };
    fail(`\`${segment}\`: cannot address into a collection of ${node.type}`);
  }
  if (node.kind === 'primitive') {
    if (segment === '$value' && !node.collection) return { kind: 'value', of: 'primitive', label };
    if (segment === '$count' && node.collection) return { kind: 'count', label };
    fail(`\`${segment}\`: nothing can follow the primitive property ${node.label}`);
  }
  fail(`\`${segment}\`: nothing can follow ${node.label}`);
}

/**
 * OneDrive/SharePoint path addressing: a segment ending in `:` (`root:`, `{id}:`, `{hostname}:`)
 * starts a path that ends at the next segment ending in `:` (or the end of the URL); the whole
 * thing addresses one item of the segment's type.
 */
function colonPath(segments: string[], i: number): { end: number } | undefined {
  const seg = segments[i] ?? '';
  if (!seg.endsWith(':') || seg.includes('(')) return undefined;
  for (let j = i + 1; j < segments.length; j++) if ((segments[j] ?? '').endsWith(':')) return { end: j };
  return { end: segments.length - 1 };
}

export function resolvePath(schema: Schema, rawPath: string): PathResult {
  const segments = splitSegments(rawPath.split('?')[0] ?? '');
  if (segments.length === 0) return { ok: true, node: { kind: 'root', label: '/' } };
  const ctx: Ctx = { schema };
  let i = 0;
  try {
    let node = rootNode(ctx, segments[0] as string);
    let label = node.label;
    for (i = 1; i < segments.length; i++) {
      const seg = segments[i] as string;
      label = `${label}/${seg}`;
      const colon = colonPath(segments, i);
      if (colon) {
        node = step(ctx, node, seg.slice(0, -1), label);
        if (node.kind !== 'entity') fail(`\`${seg}\`: a path (\`:/…:\`) must follow a single item`);
        label = `${label}…`;
        i = colon.end;
        continue;
      }
      node = step(ctx, node, seg, label);
    }
    return { ok: true, node };
  } catch (e) {
    if (e instanceof PathError) return { ok: false, error: e.message, segment: segments[i] ?? '' };
    throw e;
  }
}
