/**
 * A hand-written fake ToolContext for tool unit tests: records every Graph/API call, approval and
 * saved download in one ordered log, and answers Graph calls from a route table keyed by
 * "METHOD /path" (path without query). Approval can be set to deny (throws APPROVAL_DENIED like the
 * real context).
 */
import assert from 'node:assert/strict';
import { GROUP_SCOPES } from '../../../../../app/shared/tool-groups.ts';
import {
  ToolError,
  type ApiClient,
  type Download,
  type GraphCall,
  type GraphPage,
  type ToolContext,
  type ToolDefinition,
  type ToolResult,
} from '../../../../../bridge/tools/tool.ts';
import type { LocalFiles } from '../../../../../bridge/uploads/types.ts';
import { z } from 'zod';
import type { HandleStore } from '../../../../../bridge/handles/handle-store.ts';

export type GraphKind = 'request' | 'page' | 'download' | 'downloadToFile';

export interface RecordedGraphCall {
  kind: GraphKind;
  call: GraphCall;
  cursor?: string | undefined;
}

export type Route = (call: GraphCall, kind: GraphKind, cursor?: string) => unknown;
/** `undefined` answers like a 202/204 (no content). */
export type RouteValue = Route | object | undefined;

export interface FakeOptions {
  routes?: Record<string, RouteValue>;
  deny?: boolean;
  readOnly?: boolean;
  limits?: Partial<ToolContext['limits']>;
  /** ctx.localFiles (upload tools); absent = no local file may be read. */
  localFiles?: LocalFiles;
  /** A handle store (short ids); without one ids pass through as they are. */
  handles?: HandleStore;
  api?: {
    baseUrl?: string | null;
    respond?: (call: Parameters<ApiClient['request']>[0]) => Awaited<ReturnType<ApiClient['request']>>;
  };
}

export interface Fake {
  ctx: ToolContext;
  graph: RecordedGraphCall[];
  approvals: { summary: string; details: Record<string, string> | undefined }[];
  apiCalls: Parameters<ApiClient['request']>[0][];
  saved: { fileName: string; bytes: Uint8Array; path: string }[];
  /** Ordered: "approve", "request GET /me/events", "save name", "api POST /x". */
  log: string[];
}

export function fakeContext(options: FakeOptions = {}): Fake {
  const fake: Fake = {
    graph: [],
    approvals: [],
    apiCalls: [],
    saved: [],
    log: [],
    ctx: undefined as unknown as ToolContext,
  };
  const answer = (call: GraphCall, kind: GraphKind, cursor?: string): unknown => {
    fake.graph.push({ kind, call, cursor });
    fake.log.push(`${kind} ${call.method} ${call.path}`);
    const key = `${call.method} ${call.path}`;
    if (!options.routes || !(key in options.routes))
      throw new ToolError('GRAPH_NOT_FOUND', `fake: no route for ${call.method} ${call.path}`);
    const route = options.routes[key];
    return typeof route === 'function' ? (route as Route)(call, kind, cursor) : route;
  };
  fake.ctx = {
    graph: {
      request: <T>(call: GraphCall) => Promise.resolve().then(() => answer(call, 'request') as T),
      page: <T>(call: GraphCall, cursor?: string) =>
        Promise.resolve().then(() => answer(call, 'page', cursor) as GraphPage<T>),
      download: (call: GraphCall) => Promise.resolve().then(() => answer(call, 'download') as Download),
      // The route answers a Download; its bytes are "saved" (recorded in `saved`) like saveDownload's.
      downloadToFile: (call: GraphCall, target) =>
        Promise.resolve().then(() => {
          const { bytes, contentType } = answer(call, 'downloadToFile') as Download;
          if (bytes.length > target.maxBytes) throw new ToolError('FILE_TOO_LARGE', 'fake: past maxBytes');
          const path = `/tmp/downloads/${target.fileName}`;
          fake.saved.push({ fileName: target.fileName, bytes, path });
          fake.log.push(`save ${target.fileName}`);
          return { path, bytes: bytes.length, contentType };
        }),
    },
    api: {
      ...(options.api && 'baseUrl' in options.api ? { baseUrl: options.api.baseUrl } : {}),
      request(call) {
        fake.apiCalls.push(call);
        fake.log.push(`api ${call.method} ${call.path}`);
        const respond = options.api?.respond;
        if (!respond) return Promise.reject(new ToolError('API_NOT_CONFIGURED', 'fake: no api'));
        return Promise.resolve(respond(call));
      },
    },
    approve(summary, details) {
      fake.approvals.push({ summary, details });
      fake.log.push('approve');
      if (options.deny)
        return Promise.reject(new ToolError('APPROVAL_DENIED', 'The user did not approve this action.'));
      return Promise.resolve();
    },
    saveDownload(fileName, bytes) {
      const path = `/tmp/downloads/${fileName}`;
      fake.saved.push({ fileName, bytes, path });
      fake.log.push(`save ${fileName}`);
      return Promise.resolve(path);
    },
    limits: { maxResultChars: 20_000, maxInlineFileBytes: 256 * 1024, ...options.limits },
    ...(options.readOnly !== undefined ? { readOnly: options.readOnly } : {}),
    ...(options.localFiles !== undefined ? { localFiles: options.localFiles } : {}),
    ...(options.handles ? { handles: options.handles } : {}),
  };
  return fake;
}

/** Runs a tool the way the server does: input parsed with the tool's zod shape first. */
export async function runTool(tool: ToolDefinition, input: unknown, ctx: ToolContext): Promise<ToolResult> {
  const parsed = z.object(tool.inputSchema).parse(input);
  const result = await tool.run(parsed, ctx);
  if (tool.outputSchema && result.structured !== undefined) z.object(tool.outputSchema).parse(result.structured);
  // MCP clients reject structuredContent that no outputSchema declares.
  if (!tool.outputSchema)
    assert.equal(result.structured, undefined, `${tool.name} returns structured data without a schema`);
  return result;
}

export function byName(tools: readonly ToolDefinition[], name: string): ToolDefinition {
  const tool = tools.find((t) => t.name === name);
  assert.ok(tool, `tool ${name} exists`);
  return tool;
}

export async function rejectsWithCode(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ToolError, `expected ToolError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

/** Catalog rules every tool module must satisfy. */
export function assertCatalogRules(tools: readonly ToolDefinition[]): void {
  const names = new Set<string>();
  for (const t of tools) {
    assert.ok(!names.has(t.name), `duplicate tool ${t.name}`);
    names.add(t.name);
    assert.match(t.name, /^[a-z][a-z_]+$/);
    assert.ok(t.description.length >= 60, `${t.name} description says what it does and returns`);
    if (t.group !== 'graph' && t.group !== 'api') {
      const g = GROUP_SCOPES[t.group];
      const onDemand = g.onDemand ?? { read: [], write: [] };
      const allowed = [...g.read, ...g.write, ...onDemand.read, ...onDemand.write];
      for (const s of t.scopes) assert.ok(allowed.includes(s), `${t.name}: scope ${s} is in GROUP_SCOPES.${t.group}`);
      if (!t.write) {
        for (const s of t.scopes)
          assert.ok([...g.read, ...onDemand.read].includes(s), `${t.name} (read) uses read scopes only`);
      }
    }
    if (t.write) {
      assert.equal(t.annotations.readOnlyHint, false, `${t.name} write tool is not readOnlyHint`);
    } else if (t.group !== 'graph' && t.group !== 'api') {
      assert.equal(t.annotations.readOnlyHint, true, `${t.name} read tool is readOnlyHint`);
      assert.equal(t.annotations.destructiveHint, false);
    }
    // Parameters are described only where the name does not say it, and output schemas are optional
    // (issue #12: the catalog must stay small), so neither is required here.
  }
}
