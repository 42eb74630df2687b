/**
 * One Graph request checked against Microsoft's v1.0 schema: the path resolves, the method is one
 * the resolved resource allows, the query options name existing members, and the JSON body's
 * fields exist (entity/complex properties, or the action's parameters). `$batch` checks every
 * inner request. Returns precise messages; an empty list means valid.
 */
import { checkActionBody, checkEntityBody, type BodyIssue, type BodyOptions } from './body.ts';
import type { Schema } from './model.ts';
import { resolvePath, structuredTypeOf, type PathNode } from './path.ts';
import { checkQueryOptions, parseRawQuery } from './query.ts';

export interface GraphRequestToCheck {
  method: string;
  /** Path with or without the `/v1.0` root, optionally with `?query`. */
  url: string;
  headers?: Record<string, string>;
  /** Parsed JSON body, if any. */
  body?: unknown;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

function allowedMethods(schema: Schema, node: PathNode): Method[] {
  const r =
    'restrictionKey' in node && node.restrictionKey ? schema.model.restrictions[node.restrictionKey] : undefined;
  const typeR = 'type' in node ? schema.model.restrictions[node.type] : undefined;
  switch (node.kind) {
    case 'collection':
      return r?.insertable === false ? ['GET'] : ['GET', 'POST'];
    case 'entity': {
      const out: Method[] = ['GET'];
      if (r?.updatable !== false && typeR?.updatable !== false) out.push('PATCH');
      if (!node.singleton && r?.deletable !== false && typeR?.deletable !== false) out.push('DELETE');
      // PUT creates or replaces a single-valued navigation target (PUT /groups/{id}/team).
      if (node.navigation && node.keyed !== true) out.push('PUT');
      return out;
    }
    case 'complex':
      return node.collection ? ['GET'] : ['GET', 'PATCH'];
    case 'primitive':
    case 'count':
    case 'metadata':
    case 'function':
    case 'root':
      return ['GET'];
    case 'stream':
      return ['GET', 'PUT'];
    case 'value':
      return node.of === 'stream' ? ['GET', 'PUT'] : ['GET'];
    case 'ref':
      return node.collection ? ['GET', 'POST', 'DELETE'] : ['GET', 'PUT', 'DELETE'];
    case 'action':
    case 'batch':
      return ['POST'];
  }
}

function describe(node: PathNode): string {
  if (node.kind === 'collection') return `a collection of ${node.type}`;
  if (node.kind === 'entity')
    return node.singleton ? `the singleton ${node.label} (${node.type})` : `an entity of ${node.type}`;
  if (node.kind === 'complex') return `a ${node.collection ? 'collection of ' : ''}${node.type} property`;
  if (node.kind === 'action' || node.kind === 'function') return `the ${node.kind} ${node.op.name}`;
  return node.kind === 'value' ? '$value' : node.kind;
}

function stripVersion(path: string): { path: string; error?: string } {
  const m = /^\/(v1\.0|beta)(?=\/|$)/i.exec(path);
  if (!m) return { path };
  const rest = path.slice(m[0].length) || '/';
  return m[1]?.toLowerCase() === 'beta'
    ? { path: rest, error: 'uses /beta; Graph Bridge must use v1.0' }
    : { path: rest };
}

/** Body issues for a request on `node` (entity/complex payloads for POST/PATCH/PUT, action parameters). */
export function checkBody(
  schema: Schema,
  method: string,
  node: PathNode,
  body: unknown,
  opts: BodyOptions = {},
): BodyIssue[] {
  if (body === undefined) return node.kind === 'action' ? checkActionBody(schema, node.op, undefined, opts) : [];
  if (node.kind === 'action') return checkActionBody(schema, node.op, body, opts);
  if (method === 'POST' && node.kind === 'collection') return checkEntityBody(schema, node.type, body, opts);
  if (method === 'PATCH' && (node.kind === 'entity' || node.kind === 'complex'))
    return checkEntityBody(schema, node.type, body, opts);
  if (method === 'PUT' && node.kind === 'entity') return checkEntityBody(schema, node.type, body, opts);
  return [];
}

function checkBatch(schema: Schema, body: unknown): string[] {
  if (body === null || typeof body !== 'object' || !Array.isArray((body as { requests?: unknown }).requests)) {
    return ['$batch: body needs a `requests` array'];
  }
  const errors: string[] = [];
  for (const inner of (body as { requests: unknown[] }).requests) {
    const r = inner as { id?: unknown; method?: unknown; url?: unknown; headers?: unknown; body?: unknown };
    const id = typeof r.id === 'string' || typeof r.id === 'number' ? String(r.id) : '?';
    if (typeof r.method !== 'string' || typeof r.url !== 'string') {
      errors.push(`$batch request ${id}: needs string \`method\` and \`url\``);
      continue;
    }
    const url = r.url.startsWith('/') ? r.url : `/${r.url}`;
    const errs = validateGraphRequest(schema, {
      method: r.method,
      url,
      ...(r.headers && typeof r.headers === 'object' ? { headers: r.headers as Record<string, string> } : {}),
      ...(r.body !== undefined ? { body: r.body } : {}),
    });
    errors.push(...errs.map((e) => `$batch request ${id} (${r.method as string} ${r.url as string}): ${e}`));
  }
  return errors;
}

export function validateGraphRequest(schema: Schema, req: GraphRequestToCheck): string[] {
  const method = req.method.toUpperCase() as Method;
  const q = req.url.indexOf('?');
  const version = stripVersion(q < 0 ? req.url : req.url.slice(0, q));
  const rawQuery = q < 0 ? '' : req.url.slice(q + 1);
  const errors: string[] = version.error ? [version.error] : [];
  const resolved = resolvePath(schema, version.path);
  if (!resolved.ok) return [...errors, `path: ${resolved.error}`];
  const node = resolved.node;
  const allowed = allowedMethods(schema, node);
  if (!allowed.includes(method)) {
    errors.push(`${method} is not allowed on ${describe(node)} (allowed: ${allowed.join(', ')})`);
    return errors;
  }
  if (node.kind === 'batch') return [...errors, ...checkBatch(schema, req.body)];
  const query = parseRawQuery(rawQuery);
  errors.push(...checkQueryOptions(schema, structuredTypeOf(node), query).map((i) => i.text));
  errors.push(...checkBody(schema, method, node, req.body).map((i) => i.text));
  return errors;
}
