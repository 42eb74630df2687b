/**
 * graph_request: any Microsoft Graph v1.0 call the dedicated tools do not cover.
 *
 * The path is relative to the version root and validated (no scheme/host, no `..`); percent-encoded
 * letters are decoded so the path shown is the path Graph sees. GET runs directly; every other
 * method is refused in read-only mode and otherwise goes through the user's approval, which shows
 * the whole request (graph-request-approval.ts) before anything is sent. A `$batch` runs only when
 * it holds GETs alone. Binary GETs (`…/content`, `…/$value`) are saved under the download dir, and
 * so are base64 payloads inside JSON results (`contentBytes`, graph/binary-fields.ts). Output is
 * capped at ctx.limits.maxResultChars.
 */
import { z } from 'zod';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { saveBinaryFields, type SavedBinary } from '../graph/binary-fields.ts';
import {
  readOnlyError,
  ToolError,
  type GraphCall,
  type ToolContext,
  type ToolDefinition,
  type ToolResult,
} from './tool.ts';
import { approvalDetails, checkBatch, isBatchPath, normalizePath } from './graph-request-approval.ts';
import { defineTool } from './shared/define.ts';
import { MAX_DOWNLOAD_BYTES } from './shared/download-limit.ts';
import { resolvePathHandles } from './shared/ids.ts';
import { parseRelativePath, templatePath } from './shared/paths.ts';
import { capText, clip } from './shared/text.ts';

const DEFAULT_SCOPES = GROUP_SCOPES.graph.read;
/** Headers a caller may set; everything else (Authorization, Host, …) is the bridge's business. */
const ALLOWED_HEADERS = new Map(
  ['ConsistencyLevel', 'Prefer', 'If-Match', 'If-None-Match'].map((h) => [h.toLowerCase(), h]),
);
const SCOPE_RE = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;
const RESERVED_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

export function validateScopes(scopes: readonly string[] | undefined): readonly string[] {
  if (scopes === undefined || scopes.length === 0) return DEFAULT_SCOPES;
  for (const scope of scopes) {
    if (!SCOPE_RE.test(scope) || scope.toLowerCase().endsWith('.default') || RESERVED_SCOPES.has(scope.toLowerCase())) {
      throw new ToolError(
        'INVALID_INPUT',
        `"${scope}" is not a delegated Graph permission name such as Mail.Read (no URLs, no .default, no OpenID scopes).`,
      );
    }
  }
  return scopes;
}

export function validateHeaders(headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (headers === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const canonical = ALLOWED_HEADERS.get(name.toLowerCase());
    if (canonical === undefined) {
      throw new ToolError(
        'INVALID_INPUT',
        `Header "${name}" cannot be set; allowed: ${[...ALLOWED_HEADERS.values()].join(', ')}.`,
      );
    }
    // eslint-disable-next-line no-control-regex
    if (/[\r\n\u0000]/.test(value)) throw new ToolError('INVALID_INPUT', `Header "${name}" has an invalid value.`);
    out[canonical] = value;
  }
  return out;
}

/** `https://graph…/v1.0/me/messages?$skip=10` → `/me/messages?$skip=10` (for the next graph_request call). */
export function nextPathOf(nextLink: unknown): string | undefined {
  if (typeof nextLink !== 'string') return undefined;
  try {
    const url = new URL(nextLink);
    return `${url.pathname.replace(/^\/(v1\.0|beta)(?=\/)/, '')}${url.search}`;
  } catch {
    return undefined;
  }
}

function queryText(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

const graphRequestInput = () => ({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET').describe('HTTP method.'),
  path: z
    .string()
    .min(1)
    .max(2000)
    .describe('Path under the v1.0 root, e.g. /me/mailFolders/inbox/messages. A ?query is allowed.'),
  query: z
    .record(z.string().max(100), z.string().max(2000))
    .optional()
    .describe('Query parameters, e.g. {"$select":"id,subject","$top":"5"}.'),
  body: z.unknown().optional().describe('JSON request body for POST/PUT/PATCH.'),
  headers: z
    .record(z.string().max(100), z.string().max(1000))
    .optional()
    .describe('Optional headers: ConsistencyLevel, Prefer, If-Match, If-None-Match.'),
  scopes: z
    .array(z.string().max(200))
    .max(10)
    .optional()
    .describe('Delegated permissions the endpoint needs, e.g. ["Contacts.Read"]. Default ["User.Read"].'),
});
type GraphRequestInput = z.infer<z.ZodObject<ReturnType<typeof graphRequestInput>>>;

export const graphRequestTool: ToolDefinition = defineTool({
  name: 'graph_request',
  group: 'graph',
  title: 'Call Microsoft Graph',
  description:
    'Calls any Microsoft Graph v1.0 endpoint as the signed-in user, for what the other tools do not cover; writes ask the ' +
    'user first and a $batch may hold GETs only. Returns the JSON (capped; base64 content saved to files) and nextPath for the next page.',
  scopes: DEFAULT_SCOPES,
  write: false,
  inputSchema: graphRequestInput,
  outputSchema: () => ({
    method: z.string(),
    path: z.string(),
    json: z.unknown().optional().describe('The response body (omitted when it did not fit the cap)'),
    truncated: z.boolean(),
    nextPath: z.string().optional().describe('Path for the next page of a collection'),
    savedPath: z.string().optional().describe('Local file path for binary content'),
    savedPaths: z.array(z.string()).optional().describe('Local files for base64 content inside the JSON'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run(input, ctx) {
    const request = await checkRequest(input, ctx);
    if (input.method !== 'GET' && !request.batch) await approveWrite(request, ctx);
    if (input.method === 'GET' && /\/(content|\$value)$/i.test(request.path)) return saveContent(request, ctx);
    return jsonAnswer(request, ctx);
  },
});

export const graphRequestTools: ToolDefinition[] = [graphRequestTool];

/** A graph_request whose input passed every check: what is sent (`call`) and what the user is shown. */
interface CheckedRequest {
  input: GraphRequestInput;
  /** Handles resolved, unreserved characters decoded: the path Graph sees. */
  path: string;
  /** The path's own query merged with `input.query`. */
  query: Record<string, string>;
  headers: Record<string, string> | undefined;
  scopes: readonly string[];
  batch: boolean;
  call: GraphCall;
}

/** Every check on the input, in this order, before anything is asked or sent. */
async function checkRequest(input: GraphRequestInput, ctx: ToolContext): Promise<CheckedRequest> {
  const parsed = parseRelativePath(input.path, { what: 'Graph', graphVersionRoot: true });
  const path = normalizePath(await resolvePathHandles(ctx, parsed.path));
  const query = { ...parsed.query, ...input.query };
  const scopes = validateScopes(input.scopes);
  const headers = validateHeaders(input.headers);
  if (input.body !== undefined && (input.method === 'GET' || input.method === 'DELETE')) {
    throw new ToolError(
      'INVALID_INPUT',
      `A ${input.method} request cannot have a body${input.method === 'GET' ? '; use query parameters instead' : ''}.`,
    );
  }
  const batch = isBatchPath(path);
  // Refused before anything else: a batch of writes is never sent, approved or not.
  if (batch) checkBatch(input.method, input.body, validateHeaders);
  const checked = { input, path, query, headers, scopes, batch };
  return { ...checked, call: graphCall(checked) };
}

/** The query, headers and body of a request, each only when it has one. */
function optionalParts(r: Omit<CheckedRequest, 'call'>) {
  return {
    ...(Object.keys(r.query).length > 0 ? { query: r.query } : {}),
    ...(r.headers ? { headers: r.headers } : {}),
    ...(r.input.body !== undefined ? { body: r.input.body } : {}),
  };
}

function graphCall(r: Omit<CheckedRequest, 'call'>): GraphCall {
  return {
    method: r.input.method,
    path: r.path,
    pathTemplate: templatePath(r.path),
    ...optionalParts(r),
    scopes: r.scopes,
    // A $batch of GETs only (checked above) reads; it runs like a GET.
    ...(r.batch ? { readOnly: true } : {}),
  };
}

/** A write: refused in read-only mode, else sent only once the user approved the whole request. */
async function approveWrite(r: CheckedRequest, ctx: ToolContext): Promise<void> {
  const { method } = r.input;
  if (ctx.readOnly) {
    throw readOnlyError(`graph_request can only GET; ${method} ${r.path} was not sent`, ctx.readOnlyRemedy);
  }
  const details = approvalDetails({ method, path: r.path, ...optionalParts(r), scopes: r.scopes });
  const shownPath = Object.keys(r.query).length > 0 ? `${r.path}?${queryText(r.query)}` : r.path;
  await ctx.approve(clip(`Microsoft Graph ${method} ${shownPath}`, 1000), details);
}

/** A binary GET (`…/content`, `…/$value`), saved under the download dir. */
async function saveContent(r: CheckedRequest, ctx: ToolContext): Promise<ToolResult> {
  // Streamed to a file in constant memory and capped, like read_file (a model-chosen path may be huge).
  const name = `${r.path.split('/').filter(Boolean).slice(-2, -1)[0] ?? 'download'}.bin`;
  const saved = await ctx.graph.downloadToFile(r.call, { fileName: name, maxBytes: MAX_DOWNLOAD_BYTES });
  return {
    text: `${saved.bytes} bytes (${saved.contentType || 'unknown type'}) saved to ${saved.path}`,
    structured: { method: r.input.method, path: r.path, truncated: false, savedPath: saved.path },
  };
}

/** A JSON answer: base64 content saved to files, OData links dropped, capped to the result budget. */
async function jsonAnswer(r: CheckedRequest, ctx: ToolContext): Promise<ToolResult> {
  const answer = await ctx.graph.request<unknown>(r.call);
  const { value: result, saved } = await saveBinaryFields(answer, (name, bytes) => ctx.saveDownload(name, bytes));
  const { json, nextPath } = withoutODataLinks(result);
  const full = result === undefined ? '' : JSON.stringify(json, null, 1);
  const note = `${savedNote(saved)}${nextPath ? `\nMore results: call graph_request again with path "${nextPath}".` : ''}`;
  const head = `${r.input.method} ${r.path}: ${result === undefined ? 'done (no content)' : 'OK'}\n`;
  const capped = capText(
    full,
    ctx.limits.maxResultChars - head.length - note.length,
    'use $select/$top to ask for less',
  );
  return {
    text: head + capped.text + note,
    structured: {
      method: r.input.method,
      path: r.path,
      ...(capped.truncated || result === undefined ? {} : { json }),
      truncated: capped.truncated,
      ...(nextPath ? { nextPath } : {}),
      ...(saved.length ? { savedPaths: saved.map((f) => f.path) } : {}),
    },
  };
}

/** An object answer without `@odata.context` and `@odata.nextLink` (the latter becomes `nextPath`). */
function withoutODataLinks(result: unknown): { json: unknown; nextPath: string | undefined } {
  if (result === null || typeof result !== 'object' || Array.isArray(result))
    return { json: result, nextPath: undefined };
  const { ['@odata.context']: _context, ['@odata.nextLink']: nextLink, ...rest } = result as Record<string, unknown>;
  return { json: rest, nextPath: nextPathOf(nextLink) };
}

function savedNote(saved: readonly SavedBinary[]): string {
  if (!saved.length) return '';
  return clip(
    `\nBase64 content saved to files: ${saved.map((f) => `${f.field} (${f.bytes} bytes) → ${f.path}`).join('; ')}`,
    2000,
  );
}
