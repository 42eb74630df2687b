/**
 * What a bridge tool is. One module per area (mail.ts, calendar.ts, …) exports an array of
 * ToolDefinitions; the server factory registers the enabled ones with the MCP server.
 *
 * Tools never see the broker, tokens or HTTP details: they get a ToolContext whose `graph` asks the
 * broker for a token with the tool's scopes, retries/maps errors, and whose `approve` runs the
 * broker's write approval. A tool reports failure by throwing ToolError (message says what to do).
 */
import type { z } from 'zod';
import type { ToolGroup } from '../../app/shared/tool-groups.ts';
import type { LocalFiles } from '../uploads/types.ts';
import type { HandleStore } from '../handles/handle-store.ts';

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface GraphCall {
  method: HttpMethod;
  /** Relative to the version root, e.g. `/me/messages/{id}` already filled in: `/me/messages/AAMk…`. */
  path: string;
  /** For the audit log: the path with ids as placeholders, e.g. `/me/messages/{id}`. */
  pathTemplate: string;
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  body?: unknown;
  /** Least-privilege scopes for this call (normally the tool's scopes). */
  scopes: readonly string[];
  /**
   * A POST that only reads (e.g. `/me/calendar/getSchedule`, a `$batch` of GETs only): the write gate
   * lets it through without approval. Only fixed tool code sets it — from its own knowledge of the
   * endpoint, or after checking every inner request — never from a model's say-so. (Additive;
   * undefined = false.)
   */
  readOnly?: boolean;
}

export interface GraphPage<T> {
  items: T[];
  /** Opaque cursor for the next page, or null at the end. */
  nextCursor: string | null;
}

export interface Download {
  bytes: Uint8Array;
  contentType: string;
}

/** A download streamed to a file in the download folder (GraphApi.downloadToFile). */
export interface SavedDownload {
  /** Absolute path of the new file. */
  path: string;
  bytes: number;
  contentType: string;
}

export interface DownloadToFileOptions {
  /** The file's name as Graph gives it (untrusted: made safe and unique in the download folder). */
  fileName: string;
  /** Bytes the body may have at most; past it the download stops (FILE_TOO_LARGE) and no file is kept. */
  maxBytes: number;
}

export interface GraphApi {
  /** JSON request; 204/202 resolve to undefined. Throws ToolError with a user-facing message. */
  request<T = unknown>(call: GraphCall): Promise<T>;
  /** A collection page; `cursor` (from a previous page) replaces path+query when given. */
  page<T = unknown>(call: GraphCall, cursor?: string): Promise<GraphPage<T>>;
  /** Binary content in memory (follows the pre-authenticated download redirect): for small files only. */
  download(call: GraphCall): Promise<Download>;
  /**
   * Binary content streamed from the socket to a new file in the download folder, in constant memory
   * (same redirects, retries, deadline and cancellation as `download`). On failure, cancellation or
   * past `maxBytes`, no partial file is left. Use it for anything that may be large (files, attachments).
   */
  downloadToFile(call: GraphCall, options: DownloadToFileOptions): Promise<SavedDownload>;
}

export interface ApiClient {
  /**
   * Base URL of the user-configured API (settings `api.baseUrl`), or null when none is configured.
   * (Additive, for api_request's "not configured" message; undefined = unknown, the call decides.)
   */
  baseUrl?: string | null;
  /** Calls the user-configured API (hello.api) with a token for its scope. */
  request(call: {
    method: HttpMethod;
    path: string;
    query?: Record<string, string>;
    body?: unknown;
    /** Ends the exchange (MCP cancellation); the context passes the tool call's own. */
    signal?: AbortSignal;
  }): Promise<{
    status: number;
    contentType: string;
    body: string;
  }>;
}

export interface ToolContext {
  graph: GraphApi;
  api: ApiClient;
  /**
   * Asks the broker (and so the user) before a write. Resolves only when approved; throws ToolError
   * (APPROVAL_DENIED) otherwise — so code after `await ctx.approve(…)` runs only for approved writes.
   */
  approve(summary: string, details?: Record<string, string>): Promise<void>;
  /** Saves bytes under the download dir with a safe unique name; returns the absolute path. */
  saveDownload(fileName: string, bytes: Uint8Array): Promise<string>;
  limits: { maxResultChars: number; maxInlineFileBytes: number };
  /**
   * True when the bridge runs read-only (flag/env or broker settings). Write tools are not listed
   * then; graph_request/api_request use it to refuse non-GET methods. (Additive; undefined = false.)
   */
  readOnly?: boolean;
  /** How the user turns read-only off, for readOnlyError (it depends on where it was set). */
  readOnlyRemedy?: string;
  /**
   * Local files for upload tools, under the user's upload policy (bridge/uploads). Undefined: no local
   * file may be read. (Additive.)
   */
  localFiles?: LocalFiles;
  /**
   * Aborts when the MCP client cancels this tool call. Graph and API requests made through this
   * context already listen to it; a tool only needs it for its own long work. (Additive.)
   */
  signal?: AbortSignal;
  /**
   * Short handles for long Graph ids (bridge/handles). Tools reach it through tools/shared/ids.ts.
   * (Additive; undefined = ids are shown and taken as they are.)
   */
  handles?: HandleStore;
}

export const READ_ONLY_SETTINGS_REMEDY =
  'Turn read-only off in the status window (Settings) if you want to allow writes.';

/** The one READ_ONLY refusal: what was refused, and how to turn read-only off. */
export function readOnlyError(action: string, remedy = READ_ONLY_SETTINGS_REMEDY): ToolError {
  return new ToolError('READ_ONLY', `Graph Bridge is in read-only mode, so ${action}. ${remedy}`);
}

export interface ToolResult {
  /** What the model reads. Compact. */
  text: string;
  /** When the tool declares an output schema: data matching it. */
  structured?: Record<string, unknown>;
}

export interface ToolDefinition<I extends z.ZodRawShape = z.ZodRawShape, O extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  group: ToolGroup;
  title: string;
  /** What it does, when to use it, what it returns — written for a model. */
  description: string;
  /** Least-privilege delegated scopes. */
  scopes: readonly string[];
  /** Write tools are not listed in read-only mode and always call ctx.approve first. */
  write: boolean;
  inputSchema: I;
  outputSchema?: O;
  annotations: ToolAnnotations;
  run(input: z.infer<z.ZodObject<I>>, ctx: ToolContext): Promise<ToolResult>;
}

export class ToolError extends Error {
  constructor(
    /** Stable code, e.g. a broker code (CONSENT_REQUIRED) or GRAPH_FORBIDDEN, GRAPH_NOT_FOUND, THROTTLED. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ToolError';
  }
}
