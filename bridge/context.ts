/**
 * Runs one tool call: checks the broker session and the broker's settings, builds the tool's
 * ToolContext (graph with the tool's scopes, approval, downloads, API), runs the tool.
 *
 * Write gate: a context refuses any non-GET Graph/API call until `approve()` succeeded in this call,
 * so a tool that forgot to ask cannot write; a denied approval throws APPROVAL_DENIED before Graph.
 * The one exception is a Graph POST the tool itself marks `readOnly` (a read sent as POST, e.g.
 * `/me/calendar/getSchedule`); only fixed tool code sets that marker, never model input. In read-only
 * mode (the editor's flag/env, else the broker's settings) every other non-GET call is refused with
 * READ_ONLY even after an approval.
 */
import { BRIDGE_ENV, type AuditRecordParams, type HelloResult } from '../app/broker/protocol.ts';
import type { BridgeConfig } from './config.ts';
import type { BrokerClient } from './broker/broker-client.ts';
import type { TokenSource } from './broker/token-source.ts';
import { createCursorCodec } from './graph/cursor.ts';
import { createGraphApi, type AuthRequest, type GraphApiOptions, type GraphTransport } from './graph/graph-api.ts';
import type { HandleStore } from './handles/handle-store.ts';
import { brokerFailureToToolError } from './graph/errors.ts';
import type { Logger } from './log.ts';
import { describeError } from './log.ts';
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
    getHello: () => Promise<HelloResult>,
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

  const session = async (tool: ToolDefinition): Promise<HelloResult> => {
    const s = await deps.broker.session();
    if (!s.ok)
      throw brokerFailureToToolError(s.error, { tool: tool.name, group: tool.group, clientName: deps.clientName() });
    return s.value;
  };

  const tokenFor = (tool: ToolDefinition) => async (request: AuthRequest | { scopes: string[]; tool: string }) => {
    const outcome = await deps.tokens.get(request);
    if (!outcome.ok)
      throw brokerFailureToToolError(outcome.error, {
        tool: tool.name,
        group: tool.group,
        clientName: deps.clientName(),
      });
    return outcome.value.accessToken;
  };

  /** The editor entry's explicit --read-only / GRAPH_BRIDGE_READ_ONLY wins; otherwise the broker's settings. */
  const readOnlyFor = (hello: HelloResult): boolean =>
    deps.config.readOnlyExplicit ? deps.config.readOnly : hello.readOnly;
  const readOnlyRemedy = deps.config.readOnlyExplicit
    ? `This editor's MCP entry sets it (--read-only or ${BRIDGE_ENV.readOnly}); remove that if you want to allow writes.`
    : READ_ONLY_SETTINGS_REMEDY;

  const checkSettings = (tool: ToolDefinition, hello: HelloResult): void => {
    if (!deps.config.groupsExplicit && !hello.toolGroups.includes(tool.group)) {
      throw new ToolError(
        'GROUP_DISABLED',
        `The ${tool.group} tools are turned off in Graph Bridge settings. Enable "${tool.group}" in the status window (Settings → Tool groups), or pass --tools in this editor's MCP entry.`,
      );
    }
    if (tool.write && readOnlyFor(hello)) throw readOnlyError(`${tool.name} cannot run`, readOnlyRemedy);
  };

  return {
    async run(tool, input, options = {}) {
      const { signal } = options;
      const hello = await session(tool);
      checkSettings(tool, hello);
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
      const readOnly = readOnlyFor(hello);
      let approved = false;
      const gateWrites = (method: HttpMethod, what: string, declaredRead = false): void => {
        if (method === 'GET' || (method === 'POST' && declaredRead)) return;
        if (readOnly) throw readOnlyError(`${tool.name} cannot ${method} ${what}; nothing was sent`, readOnlyRemedy);
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
        (scope, toolName) => getToken({ scopes: [scope], tool: toolName }),
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
          const outcome = await deps.broker.call('approval.request', {
            tool: tool.name,
            summary: summary.length > 1000 ? `${summary.slice(0, 999)}…` : summary,
            ...(details ? { details: truncateDetails(details) } : {}),
          });
          if (!outcome.ok) {
            throw brokerFailureToToolError(outcome.error, {
              tool: tool.name,
              group: tool.group,
              clientName: deps.clientName(),
            });
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
        readOnlyRemedy,
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
