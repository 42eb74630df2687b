/**
 * MCP server factory: registers the enabled tools (zod input/output shapes, annotations) on an
 * McpServer. Tool calls go through a ToolRunner that is loaded lazily at the first call, so
 * `initialize` and `tools/list` are answered without loading the Graph client or touching the broker.
 * A ToolError becomes an `isError` result whose text says what to do; anything else is logged and
 * reported as an internal error (fast-start/tool-call.ts runToolCall, which the engine uses too). The
 * MCP request's abort signal (`notifications/cancelled`) goes to the runner, which hands it to every
 * Graph/API request of the call.
 *
 * The SDK is passed in (fast-start/sdk.ts loadSdk): the bridge loads it only for a handover.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolRunner } from './context.ts';
import type { Sdk } from './fast-start/sdk.ts';
import { runToolCall } from './fast-start/tool-call.ts';
import type { Logger } from './log.ts';
import { buildToolList } from './tool-list.ts';
import type { ToolDefinition } from './tools/tool.ts';
import { BRIDGE_NAME, BRIDGE_VERSION } from './version.ts';

export { errorResult, toCallToolResult } from './fast-start/tool-call.ts';

export interface BridgeServerOptions {
  sdk: Sdk;
  tools: readonly ToolDefinition[];
  /** Loads the runtime on first use (the engine's, or a fake in tests). */
  loadRunner(server: McpServer): Promise<ToolRunner>;
  log: Logger;
  readOnly: boolean;
}

const INSTRUCTIONS =
  'Microsoft 365 (Microsoft Graph) as the signed-in user, through Graph Bridge. List/search tools return ids ' +
  'to pass to get/act tools, and a nextCursor to page on. Writes (send, create, reply, post) ask the user to approve first.';

export function createBridgeServer(options: BridgeServerOptions): McpServer {
  const { McpServer, ListToolsRequestSchema } = options.sdk;
  const server = new McpServer(
    { name: BRIDGE_NAME, title: 'Graph Bridge', version: BRIDGE_VERSION },
    { instructions: options.readOnly ? `${INSTRUCTIONS} Read-only mode: no write tools.` : INSTRUCTIONS },
  );
  let runner: Promise<ToolRunner> | undefined;
  const getRunner = (): Promise<ToolRunner> => {
    runner ??= options.loadRunner(server).catch((error: unknown) => {
      runner = undefined;
      throw error;
    });
    return runner;
  };

  for (const tool of options.tools) {
    const call = (args: unknown, extra?: { signal?: AbortSignal }) =>
      runToolCall(tool, args, {
        runner: getRunner,
        log: options.log,
        ...(extra?.signal ? { signal: extra.signal } : {}),
      });
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}),
        annotations: tool.annotations,
      },
      call,
    );
  }
  // McpServer validates calls against the zod shapes; the listing itself is built once, compactly.
  let listed: Tool[] | undefined;
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: (listed ??= buildToolList(options.tools)) }));
  return server;
}
