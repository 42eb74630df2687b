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
 */
import { BRIDGE_ENV } from '../app/shared/constants.ts';
import type { ApprovedHello, AuditRecordParams } from '../app/shared/bridge-contract.ts';
import { effectiveSelection, type BridgeConfig } from './config.ts';
import type { BrokerClient } from './broker/broker-client.ts';
import type { TokenSource } from './broker/token-source.ts';
import { createCursorCodec } from './graph/cursor.ts';
import { createGraphApi, type AuthRequest, type GraphApiOptions, type GraphTransport } from './graph/graph-api.ts';
import type { HandleStore } from './handles/handle-store.ts';
import { brokerFailureToToolError } from './graph/errors.ts';
import { type Logger, describeError } from './log.ts';
import type { LocalFiles } from './uploads/types.ts';
import type { LocalFilesCall } from './uploads/local-files.ts';
import {
  READ_ONLY_SETTINGS_REMEDY,
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

export interface ToolRunnerDeps {
  broker: Pick<BrokerClient, 'session' | 'call'>;
  tokens: TokenSource;
  config: BridgeConfig;
  /** One transport per Graph base URL (it can change when the broker restarts with other settings). */
  createTransport(graphBaseUrl: string, getToken: (request: AuthRequest) => Promise<string>): GraphTransport;
  createApiClient(
    getHello: () => Promise<ApprovedHello>,
    getToken: (scope: string, tool: string) => Promise<string>,
  ): ApiClient;
  saveDownload(fileName: string, bytes: Uint8Array): Promise<string>;
  /** Local files for upload tools (bridge/uploads/local-files.ts); absent: tools read no local file. */
  localFiles?(call: LocalFilesCall): LocalFiles;
  clientName(): string;
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

function truncateDetails(details: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!details) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(details).slice(0, 20))
    out[k.slice(0, 100)] = v.length > 2000 ? `${v.slice(0, 1990)}…` : v;
  return out;
}

export function createToolRunner(deps: ToolRunnerDeps): ToolRunner {
  const transports = new Map<string, GraphTransport>();
  /** Tools seen so far, so a token failure is explained in terms of the tool that asked. */
  const toolsByName = new Map<string, ToolDefinition>();
  const cursors = createCursorCodec(deps.handles);

  const failureContext = (tool: ToolDefinition) => ({
    tool: tool.name,
    group: tool.group,
    clientName: deps.clientName(),
  });

  /** A broker call that the tool call's cancellation ends: then a CANCELLED ToolError, nothing sent. */
  const brokerCall = async <T>(tool: ToolDefinition, signal: AbortSignal | undefined, call: () => Promise<T>) => {
    try {
      return await call();
    } catch (error) {
      if (signal?.aborted) throw new ToolError('CANCELLED', `The request was cancelled, so ${tool.name} sent nothing.`);
      throw error;
    }
  };

  /** The approved session (re-read from the broker when `refresh`); anything else is a ToolError. */
  const session = async (tool: ToolDefinition, refresh = false): Promise<ApprovedHello> => {
    const s = await deps.broker.session(refresh ? { refresh } : undefined);
    if (!s.ok) throw brokerFailureToToolError(s.error, failureContext(tool));
    if (s.value.approval !== 'approved') {
      throw brokerFailureToToolError({ code: 'CLIENT_NOT_APPROVED', message: s.value.message }, failureContext(tool));
    }
    return s.value;
  };

  const tokenFor = (tool: ToolDefinition) => async (request: AuthRequest) => {
    const { signal, ...wanted } = request;
    const outcome = await brokerCall(tool, signal, () => deps.tokens.get(wanted, signal ? { signal } : undefined));
    if (!outcome.ok) throw brokerFailureToToolError(outcome.error, failureContext(tool));
    return outcome.value.accessToken;
  };

  const readOnlyRemedy = (hello: ApprovedHello): string => {
    const entry = `This editor's MCP entry sets it (--read-only or ${BRIDGE_ENV.readOnly})`;
    if (!hello.readOnly) return `${entry}; remove that if you want to allow writes.`;
    return deps.config.readOnly ? `${READ_ONLY_SETTINGS_REMEDY} ${entry} too.` : READ_ONLY_SETTINGS_REMEDY;
  };

  /** Why this tool may not run under these settings (flags only narrow them), or null. */
  const refusal = (tool: ToolDefinition, hello: ApprovedHello): ToolError | null => {
    const selection = effectiveSelection(deps.config, hello);
    if (!selection.groups.includes(tool.group)) {
      return new ToolError(
        'GROUP_DISABLED',
        deps.config.groups.includes(tool.group)
          ? `The ${tool.group} tools are turned off in Graph Bridge settings. The user can turn the "${tool.group}" group on in the Graph Bridge window (tray icon → Settings → Tool groups).`
          : `The ${tool.group} tools are not enabled in this editor's Graph Bridge entry (--tools or ${BRIDGE_ENV.tools}).`,
      );
    }
    if (tool.write && selection.readOnly) return readOnlyError(`${tool.name} cannot run`, readOnlyRemedy(hello));
    return null;
  };

  /** The session this call runs under; a refusal is re-checked against freshly read settings once. */
  const allowedSession = async (tool: ToolDefinition): Promise<ApprovedHello> => {
    const hello = await session(tool);
    if (refusal(tool, hello) === null) return hello;
    const fresh = await session(tool, true);
    const still = refusal(tool, fresh);
    if (still !== null) throw still;
    return fresh;
  };

  return {
    async run(tool, input, options = {}) {
      const { signal } = options;
      const hello = await allowedSession(tool);
      toolsByName.set(tool.name, tool);
      const getToken = tokenFor(tool);
      let transport = transports.get(hello.graphBaseUrl);
      if (!transport) {
        transport = deps.createTransport(hello.graphBaseUrl, (request) =>
          tokenFor(toolsByName.get(request.tool) ?? tool)(request),
        );
        transports.clear();
        transports.set(hello.graphBaseUrl, transport);
      }
      const scopedTransport = transport;
      const { readOnly } = effectiveSelection(deps.config, hello);
      const remedy = readOnlyRemedy(hello);
      let approved = false;
      const gateWrites = (method: HttpMethod, what: string, declaredRead = false): void => {
        if (method === 'GET' || (method === 'POST' && declaredRead)) return;
        if (readOnly) throw readOnlyError(`${tool.name} cannot ${method} ${what}; nothing was sent`, remedy);
        if (!approved) {
          throw new ToolError(
            'APPROVAL_REQUIRED',
            `${tool.name} tried to ${method} ${what} without asking for approval first; nothing was sent.`,
          );
        }
      };
      const gateGraph = (call: GraphCall): void => gateWrites(call.method, call.pathTemplate, call.readOnly === true);
      const audit = (record: AuditRecordParams): void => {
        deps.broker.call('audit.record', record).then(
          (o) => {
            if (!o.ok) deps.log.debug(`audit.record: ${o.error.code}`);
          },
          (e: unknown) => deps.log.debug(`audit.record failed: ${describeError(e)}`),
        );
      };
      const baseGraph = createGraphApi({
        transport: scopedTransport,
        graphBaseUrl: hello.graphBaseUrl,
        tool: tool.name,
        group: tool.group,
        sleep: (ms, sleepSignal) => deps.sleep(ms, sleepSignal),
        now: () => deps.now(),
        ...deps.graphPolicy,
        ...(signal ? { signal } : {}),
        cursors,
        audit,
      });
      const graph: GraphApi = {
        request: (call) => {
          gateGraph(call);
          return baseGraph.request(call);
        },
        page: (call, cursor) => {
          gateGraph(call);
          return baseGraph.page(call, cursor);
        },
        download: (call) => {
          gateGraph(call);
          return baseGraph.download(call);
        },
      };
      // The API this call shows in its approval is the one it calls: both come from this call's hello.
      const api = deps.createApiClient(
        () => Promise.resolve(hello),
        (scope, toolName) => getToken({ scopes: [scope], tool: toolName, ...(signal ? { signal } : {}) }),
      );
      const ctx: ToolContext = {
        graph,
        api: {
          baseUrl: hello.api?.baseUrl ?? null,
          request: (call) => {
            gateWrites(call.method, call.path);
            return api.request(signal ? { ...call, signal } : call);
          },
        },
        async approve(summary, details) {
          const params = {
            tool: tool.name,
            summary: summary.length > 1000 ? `${summary.slice(0, 999)}…` : summary,
            ...(details ? { details: truncateDetails(details) } : {}),
          };
          const outcome = await brokerCall(tool, signal, () =>
            deps.broker.call('approval.request', params, signal ? { signal } : undefined),
          );
          if (!outcome.ok) {
            throw brokerFailureToToolError(outcome.error, failureContext(tool));
          }
          if (!outcome.value.approved) {
            const why = outcome.value.reason ? ` (${outcome.value.reason})` : '';
            throw new ToolError(
              'APPROVAL_DENIED',
              `The user did not approve this action${why}, so nothing was sent or changed. Do not retry unless the user asks you to.`,
            );
          }
          // The client may have cancelled the call while the user was deciding: then nothing is sent.
          if (signal?.aborted) {
            throw new ToolError('CANCELLED', `The request was cancelled, so ${tool.name} sent nothing.`);
          }
          approved = true;
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
      return tool.run(input as never, ctx);
    },
  };
}
