/**
 * Runs one tool call: checks the broker session and the broker's settings, builds the tool's
 * ToolContext (graph with the tool's scopes, approval, downloads, API), runs the tool.
 *
 * Write gate: a context refuses any non-GET Graph/API call until `approve()` succeeded in this call,
 * so a tool that forgot to ask cannot write; a denied approval throws APPROVAL_DENIED before Graph.
 * The one exception is a Graph POST the tool itself marks `readOnly` (a read sent as POST, e.g.
 * `/me/calendar/getSchedule`); only fixed tool code sets that marker, never model input. In read-only
 * mode (the broker's settings OR the editor's flag/env: flags only narrow) every other non-GET call is
 * refused with READ_ONLY even after an approval — and the broker refuses the approval itself.
 *
 * The broker's answer is authoritative: a tool whose group is off (settings ∩ flags) or a write in
 * read-only mode is refused here after re-reading the broker's settings once (they may have changed
 * since hello), and a pending/denied client gets the broker's own "what to do" message.
 *
 * Parts: tool-session.ts (session and refusal, tokens, approval requests — the broker side of a call),
 * the write gate and the ToolContext here (createCallContext), the runner (createToolRunner).
 */
import type { ApprovedHello, AuditRecordParams } from '../app/shared/bridge-contract.ts';
import { effectiveSelection } from './config.ts';
import { createCursorCodec, type CursorCodec } from './graph/cursor.ts';
import {
  createGraphApi,
  type AuthRequest,
  type GraphApiOptions,
  type GraphTransport,
  type SaveStream,
} from './graph/graph-api.ts';
import type { HandleStore } from './handles/handle-store.ts';
import type { Logger } from './log.ts';
import { describeError } from './log.ts';
import type { LocalFiles } from './uploads/types.ts';
import type { LocalFilesCall } from './uploads/local-files.ts';
import { allowedSession, readOnlyRemedy, requestApproval, tokenFor, type ToolSessionDeps } from './tool-session.ts';
import {
  readOnlyError,
  ToolError,
  type ApiClient,
  type GraphApi,
  type GraphCall,
  type HttpMethod,
  type ToolContext,
  type ToolDefinition,
  type ToolResult,
} from './tools/tool.ts';

export const DEFAULT_LIMITS: ToolContext['limits'] = { maxResultChars: 20_000, maxInlineFileBytes: 256 * 1024 };

export interface ToolRunnerDeps extends ToolSessionDeps {
  /** One transport per Graph base URL (it can change when the broker restarts with other settings). */
  createTransport(graphBaseUrl: string, getToken: (request: AuthRequest) => Promise<string>): GraphTransport;
  createApiClient(
    getHello: () => Promise<ApprovedHello>,
    getToken: (scope: string, tool: string) => Promise<string>,
  ): ApiClient;
  saveDownload(fileName: string, bytes: Uint8Array): Promise<string>;
  /** Streams a download's body to a new file there (downloads.ts streamDownload); absent: downloadToFile fails. */
  streamDownload?: SaveStream;
  /** Local files for upload tools (bridge/uploads/local-files.ts); absent: tools read no local file. */
  localFiles?(call: LocalFilesCall): LocalFiles;
  log: Logger;
  /** Waits `ms`; rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
  limits?: ToolContext['limits'];
  /** Short handles for ids and paging cursors (bridge/handles); without it results show raw ids. */
  handles?: HandleStore;
  graphPolicy?: Pick<
    GraphApiOptions,
    'throttleBudgetMs' | 'maxThrottleRetries' | 'defaultRetryDelayMs' | 'timeoutMs' | 'setTimer'
  >;
}

export interface RunOptions {
  /** The MCP request's signal (`notifications/cancelled`): reaches every Graph/API request and wait. */
  signal?: AbortSignal;
}

export interface ToolRunner {
  run(tool: ToolDefinition, input: unknown, options?: RunOptions): Promise<ToolResult>;
}

/** What one tool call runs with: its tool, the session it runs under, its transport and signal. */
interface ToolCall {
  tool: ToolDefinition;
  hello: ApprovedHello;
  transport: GraphTransport;
  getToken: (request: AuthRequest) => Promise<string>;
  signal: AbortSignal | undefined;
  cursors: CursorCodec;
}

interface WriteGate {
  /** Throws unless `method` is a read (or a POST the tool marks as a read), not read-only, and approved. */
  check(method: HttpMethod, what: string, declaredRead?: boolean): void;
  /** The user approved a write in this call. */
  open(): void;
}

function createWriteGate(tool: ToolDefinition, readOnly: boolean, remedy: string): WriteGate {
  let approved = false;
  return {
    check(method, what, declaredRead = false) {
      if (method === 'GET' || (method === 'POST' && declaredRead)) return;
      if (readOnly) throw readOnlyError(`${tool.name} cannot ${method} ${what}; nothing was sent`, remedy);
      if (!approved) {
        throw new ToolError(
          'APPROVAL_REQUIRED',
          `${tool.name} tried to ${method} ${what} without asking for approval first; nothing was sent.`,
        );
      }
    },
    open() {
      approved = true;
    },
  };
}

/** Every Graph call passes the write gate first. */
function gatedGraph(base: GraphApi, gate: WriteGate): GraphApi {
  const check = (call: GraphCall): void => gate.check(call.method, call.pathTemplate, call.readOnly === true);
  return {
    request: (call) => {
      check(call);
      return base.request(call);
    },
    page: (call, cursor) => {
      check(call);
      return base.page(call, cursor);
    },
    download: (call) => {
      check(call);
      return base.download(call);
    },
    downloadToFile: (call, target) => {
      check(call);
      return base.downloadToFile(call, target);
    },
  };
}

/** Sends an audit record to the broker without waiting; a failure is only logged (debug). */
function auditTo(deps: ToolRunnerDeps): (record: AuditRecordParams) => void {
  return (record) => {
    deps.broker.call('audit.record', record).then(
      (o) => {
        if (!o.ok) deps.log.debug(`audit.record: ${o.error.code}`);
      },
      (e: unknown) => deps.log.debug(`audit.record failed: ${describeError(e)}`),
    );
  };
}

function callGraph(deps: ToolRunnerDeps, call: ToolCall, audit: (record: AuditRecordParams) => void): GraphApi {
  const { tool, signal } = call;
  return createGraphApi({
    transport: call.transport,
    graphBaseUrl: call.hello.graphBaseUrl,
    tool: tool.name,
    group: tool.group,
    sleep: (ms, sleepSignal) => deps.sleep(ms, sleepSignal),
    now: () => deps.now(),
    ...deps.graphPolicy,
    ...(signal ? { signal } : {}),
    cursors: call.cursors,
    audit,
    ...(deps.streamDownload ? { saveStream: deps.streamDownload } : {}),
  });
}

/** The ToolContext of one call: Graph, the API and local files behind its write gate, approval, downloads. */
function createCallContext(deps: ToolRunnerDeps, call: ToolCall): ToolContext {
  const { tool, hello, signal } = call;
  const { readOnly } = effectiveSelection(deps.config, hello);
  const remedy = readOnlyRemedy(deps.config, hello);
  const gate = createWriteGate(tool, readOnly, remedy);
  const audit = auditTo(deps);
  // The API this call shows in its approval is the one it calls: both come from this call's hello.
  const api = deps.createApiClient(
    () => Promise.resolve(hello),
    (scope, toolName) => call.getToken({ scopes: [scope], tool: toolName, ...(signal ? { signal } : {}) }),
  );
  const gateWrites = (method: HttpMethod, what: string) => gate.check(method, what);
  return {
    graph: gatedGraph(callGraph(deps, call, audit), gate),
    api: {
      baseUrl: hello.api?.baseUrl ?? null,
      request: (request) => {
        gate.check(request.method, request.path);
        return api.request(signal ? { ...request, signal } : request);
      },
    },
    async approve(summary, details) {
      await requestApproval(deps, call, summary, details);
      gate.open();
    },
    saveDownload: (fileName, bytes) => deps.saveDownload(fileName, bytes),
    limits: deps.limits ?? DEFAULT_LIMITS,
    readOnly,
    readOnlyRemedy: remedy,
    ...(deps.localFiles
      ? { localFiles: deps.localFiles({ uploads: hello.uploads, tool: tool.name, gate: gateWrites, audit }) }
      : {}),
    ...(signal ? { signal } : {}),
    ...(deps.handles ? { handles: deps.handles } : {}),
  };
}

export function createToolRunner(deps: ToolRunnerDeps): ToolRunner {
  const transports = new Map<string, GraphTransport>();
  /** Tools seen so far, so a token failure is explained in terms of the tool that asked. */
  const toolsByName = new Map<string, ToolDefinition>();
  const cursors = createCursorCodec(deps.handles);

  /** One transport per Graph base URL: a new one (the broker's settings changed) replaces the old. */
  const transportFor = (graphBaseUrl: string, tool: ToolDefinition): GraphTransport => {
    let transport = transports.get(graphBaseUrl);
    if (!transport) {
      transport = deps.createTransport(graphBaseUrl, (request) =>
        tokenFor(deps, toolsByName.get(request.tool) ?? tool)(request),
      );
      transports.clear();
      transports.set(graphBaseUrl, transport);
    }
    return transport;
  };

  return {
    async run(tool, input, options = {}) {
      const hello = await allowedSession(deps, tool);
      toolsByName.set(tool.name, tool);
      const transport = transportFor(hello.graphBaseUrl, tool);
      const getToken = tokenFor(deps, tool);
      const ctx = createCallContext(deps, { tool, hello, transport, getToken, signal: options.signal, cursors });
      return tool.run(input as never, ctx);
    },
  };
}
