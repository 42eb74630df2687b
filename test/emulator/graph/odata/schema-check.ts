/**
 * The emulator rejects what Microsoft Graph v1.0 rejects (issue #12): before a matched route runs,
 * its path is resolved against Microsoft's published schema (test/graph-schema) and the member
 * names in `$select`, `$expand`, `$orderby` and `$filter` are checked on the resolved type, with
 * Graph's 400 ("Could not find a property named 'x' on type 'microsoft.graph.y'."). Names match
 * case-insensitively, as the service's URI parser does. What the schema allows but the emulator
 * does not model is the route's business (it answers null for unmodelled selected properties).
 */
import type { Schema } from '../../../graph-schema/model.ts';
import { resolvePath, structuredTypeOf } from '../../../graph-schema/path.ts';
import { checkQueryOptions, MEMBER_OPTIONS } from '../../../graph-schema/query.ts';
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
};

export function couldNotFindProperty(code: string, name: string, type: string): GraphHttpError {
  return badRequest(code, `Could not find a property named '${name}' on type '${type}'.`);
}

/** The 400 real Graph sends for this path and query, or undefined when the schema allows them. */
export function schemaRejection(
  schema: Schema,
  req: { path: string; query: Map<string, string> },
  workload: Workload,
): GraphHttpError | undefined {
  const resolved = resolvePath(schema, req.path);
  if (!resolved.ok) return segmentNotFound(resolved.segment);
  const issues = checkQueryOptions(schema, structuredTypeOf(resolved.node), req.query, {
    caseInsensitive: true,
    only: MEMBER_OPTIONS,
  });
  const missing = issues.find((i) => i.missing)?.missing;
  return missing ? couldNotFindProperty(PARSE_ERROR_CODE[workload], missing.name, missing.type) : undefined;
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
