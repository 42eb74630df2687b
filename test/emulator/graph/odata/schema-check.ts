/**
 * The emulator rejects what Microsoft Graph v1.0 rejects (issue #12): before a matched route runs,
 * its path is resolved against Microsoft's published schema (test/graph-schema) and the member
 * names in `$select`, `$expand`, `$orderby` and `$filter` are checked on the resolved type, with
 * Graph's 400 ("Could not find a property named 'x' on type 'microsoft.graph.y'."). Names match
 * case-insensitively, as the service's URI parser does. JSON bodies of POST/PATCH/PUT are checked
 * the same way: a property the entity/complex type lacks, or a parameter the action lacks, is the
 * 400 OData's reader gives. What the schema allows but the emulator does not model is the route's
 * business (it answers null for unmodelled selected properties).
 */
import type { Schema } from '../../../graph-schema/model.ts';
import { resolvePath, structuredTypeOf } from '../../../graph-schema/path.ts';
import { checkQueryOptions, MEMBER_OPTIONS } from '../../../graph-schema/query.ts';
import { checkBody } from '../../../graph-schema/validate.ts';
import type { Workload } from '../auth.ts';
import { badRequest, GraphHttpError, segmentNotFound } from '../errors.ts';

/** The error code each service uses for an unparsable query (the message text is OData's). */
export const PARSE_ERROR_CODE: Record<Workload, string> = {
  outlook: 'RequestBroker--ParseUri',
  directory: 'Request_BadRequest',
  people: 'ErrorInvalidProperty',
  onedrive: 'invalidRequest',
  teams: 'BadRequest',
  todo: 'BadRequest',
  onenote: '20101',
  planner: '',
};

export function couldNotFindProperty(code: string, name: string, type: string): GraphHttpError {
  return badRequest(code, `Could not find a property named '${name}' on type '${type}'.`);
}

/** The code each service uses when its JSON reader refuses a payload [unverified outside Outlook]. */
export const BODY_ERROR_CODE: Record<Workload, string> = {
  outlook: 'RequestBodyRead',
  people: 'RequestBodyRead',
  todo: 'RequestBodyRead',
  directory: 'Request_BadRequest',
  onedrive: 'invalidRequest',
  teams: 'BadRequest',
  onenote: '20126',
  planner: '',
};

export interface SchemaCheckedRequest {
  method: string;
  path: string;
  query: Map<string, string>;
  headers: Record<string, string>;
  body: Buffer;
}

/** The JSON body, when there is one that parses (a malformed one is the route's 400). */
function jsonBody(req: SchemaCheckedRequest): unknown {
  if (req.body.length === 0 || !/json/i.test(req.headers['content-type'] ?? '')) return undefined;
  try {
    return JSON.parse(req.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The 400 real Graph sends for this path, query and body, or undefined when the schema allows them. */
export function schemaRejection(
  schema: Schema,
  req: SchemaCheckedRequest,
  workload: Workload,
): GraphHttpError | undefined {
  const resolved = resolvePath(schema, req.path);
  if (!resolved.ok) return segmentNotFound(resolved.segment);
  const issues = checkQueryOptions(schema, structuredTypeOf(resolved.node), req.query, {
    caseInsensitive: true,
    only: MEMBER_OPTIONS,
  });
  const missing = issues.find((i) => i.missing)?.missing;
  if (missing) return couldNotFindProperty(PARSE_ERROR_CODE[workload], missing.name, missing.type);
  const body = jsonBody(req);
  if (body === undefined || req.method.toUpperCase() === 'GET') return undefined;
  const unknown = checkBody(schema, req.method.toUpperCase(), resolved.node, body, { caseInsensitive: true }).find(
    (i) => i.unknown,
  )?.unknown;
  if (!unknown) return undefined;
  const code = BODY_ERROR_CODE[workload];
  if (unknown.kind === 'parameter') {
    const op = unknown.of.slice(unknown.of.lastIndexOf('.') + 1);
    return badRequest(
      code,
      `The parameter '${unknown.name}' in the request payload is not a valid parameter for the operation '${op}'.`,
    );
  }
  return badRequest(
    code,
    `The property '${unknown.name}' does not exist on type '${unknown.of}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
  );
}

/**
 * No route matched. A path Microsoft Graph v1.0 does not have → its real 400 ("Resource not found
 * for the segment"). A valid path the emulator simply does not serve → 501 `NotImplemented` naming
 * it, so a test fails with "the emulator lacks this" rather than a false "Graph rejects this".
 */
export function unservedOrInvalid(schema: Schema, method: string, path: string, lastSegment: string): GraphHttpError {
  const resolved = resolvePath(schema, path);
  if (!resolved.ok) return segmentNotFound(resolved.segment);
  if (resolved.node.kind === 'root') return segmentNotFound(lastSegment);
  return new GraphHttpError({
    status: 501,
    code: 'NotImplemented',
    message: `The Graph emulator does not serve ${method.toUpperCase()} ${path} (valid in Microsoft Graph v1.0; see docs/emulator-graph.md).`,
  });
}
