/**
 * api_request: an authenticated call to the ONE Entra-protected API the user configured in settings
 * (api.baseUrl + api.scope). The path is relative to that base URL and validated; non-GET methods
 * are refused in read-only mode and otherwise need the user's approval first. Output is capped.
 */
import { z } from 'zod';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { readOnlyError, ToolError, type ToolDefinition } from './tool.ts';
import { defineTool } from './shared/define.ts';
import { parseRelativePath } from './shared/paths.ts';
import { capText, clip } from './shared/text.ts';

const NOT_CONFIGURED =
  'No API is configured for api_request. Set api.baseUrl and api.scope in the Graph Bridge settings ' +
  '(status window → Settings), then try again.';

function queryText(query: Record<string, string>): string {
  return Object.entries(query)
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

function pretty(contentType: string, body: string): string {
  if (!/json/i.test(contentType)) return body;
  try {
    return JSON.stringify(JSON.parse(body), null, 1);
  } catch {
    return body;
  }
}

export const apiRequestTool: ToolDefinition = defineTool({
  name: 'api_request',
  group: 'api',
  title: 'Call your configured API',
  description:
    "Calls the user's own Entra-protected API (configured in Graph Bridge settings) as the signed-in user; writes ask " +
    'the user first. Returns status, content type and body (capped).',
  scopes: GROUP_SCOPES.api.read,
  write: false,
  inputSchema: () => ({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET').describe('HTTP method.'),
    path: z.string().min(1).max(2000).describe('Path under the API base URL, e.g. /orders/42. A ?query is allowed.'),
    query: z.record(z.string().max(100), z.string().max(2000)).optional().describe('Query parameters.'),
    body: z.unknown().optional().describe('JSON request body for POST/PUT/PATCH.'),
  }),
  outputSchema: () => ({
    status: z.number(),
    contentType: z.string(),
    body: z.string(),
    truncated: z.boolean(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run(input, ctx) {
    if (ctx.api.baseUrl === null) throw new ToolError('API_NOT_CONFIGURED', NOT_CONFIGURED);
    const target = parseRelativePath(input.path, { what: 'API' });
    const query = { ...target.query, ...input.query };
    const shownPath = Object.keys(query).length > 0 ? `${target.path}?${queryText(query)}` : target.path;
    if (input.method !== 'GET') {
      if (ctx.readOnly) {
        throw readOnlyError(
          `api_request can only GET; ${input.method} ${target.path} was not sent`,
          ctx.readOnlyRemedy,
        );
      }
      const where = ctx.api.baseUrl ? `${ctx.api.baseUrl.replace(/\/+$/, '')}${shownPath}` : shownPath;
      const details: Record<string, string> = { Method: input.method, URL: clip(where, 2000) };
      if (input.body !== undefined) details.Body = clip(JSON.stringify(input.body, null, 1) ?? '', 2000);
      await ctx.approve(clip(`Your API: ${input.method} ${where}`, 1000), details);
    } else if (input.body !== undefined) {
      throw new ToolError('INVALID_INPUT', 'A GET request cannot have a body; use query parameters instead.');
    }

    const response = await ctx.api.request({
      method: input.method,
      path: target.path,
      ...(Object.keys(query).length > 0 ? { query } : {}),
      ...(input.body !== undefined && input.method !== 'GET' ? { body: input.body } : {}),
    });
    const shown = pretty(response.contentType, response.body);
    if (response.status >= 400) {
      throw new ToolError(
        'API_ERROR',
        `The API answered ${response.status} to ${input.method} ${target.path}: ${clip(shown, 2000) || '(empty body)'}`,
      );
    }
    const head = `${input.method} ${target.path}: ${response.status} ${response.contentType || '(no content type)'}\n`;
    const capped = capText(shown, ctx.limits.maxResultChars - head.length, 'ask the API for less (paging/filters)');
    return {
      text: head + capped.text,
      structured: {
        status: response.status,
        contentType: response.contentType,
        body: capped.text,
        truncated: capped.truncated,
      },
    };
  },
});

export const apiRequestTools: ToolDefinition[] = [apiRequestTool];
