/**
 * MCP server factory: registers the enabled tools (zod input/output shapes, annotations) on an
 * McpServer. Tool calls go through a ToolRunner that is loaded lazily at the first call, so
 * `initialize` and `tools/list` are answered without loading the Graph client or touching the broker.
 * A ToolError becomes an `isError` result whose text says what to do; anything else is logged and
 * reported as an internal error. The MCP request's abort signal (`notifications/cancelled`) goes to
 * the runner, which hands it to every Graph/API request of the call.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { ToolRunner } from './context.ts';
import type { Logger } from './log.ts';
import { describeError } from './log.ts';
import { buildToolList } from './tool-list.ts';
import { ToolError, type ToolDefinition, type ToolResult } from './tools/tool.ts';
import { BRIDGE_NAME, BRIDGE_VERSION } from './version.ts';

export interface BridgeServerOptions {
  tools: readonly ToolDefinition[];
  /** Loads the runtime on first use (dynamic import in production, a fake in tests). */
  loadRunner(server: McpServer): Promise<ToolRunner>;
  log: Logger;
  readOnly: boolean;
}

const INSTRUCTIONS =
  'Microsoft 365 (Microsoft Graph) as the signed-in user, through Graph Bridge. List/search tools return ids ' +
  'to pass to get/act tools, and a nextCursor to page on. Writes (send, create, reply, post) ask the user to approve first.';

export function toCallToolResult(result: ToolResult): CallToolResult {
  return {
    content: [{ type: 'text', text: result.text }],
    ...(result.structured !== undefined ? { structuredContent: result.structured } : {}),
  };
}

export function errorResult(message: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: message }] };
}

export function createBridgeServer(options: BridgeServerOptions): McpServer {
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
    const call = async (args: unknown, extra?: { signal?: AbortSignal }): Promise<CallToolResult> => {
      const signal = extra?.signal;
      try {
        const result = await (await getRunner()).run(tool, args, signal ? { signal } : {});
        return toCallToolResult(result);
      } catch (error) {
        if (error instanceof ToolError) {
          // A cancelled call's answer is not sent (the SDK drops it); the log says why it ended.
          options.log.info(`${tool.name}: ${signal?.aborted ? 'cancelled by the client' : error.code}`);
          return errorResult(error.message);
        }
        options.log.error(`${tool.name} failed: ${describeError(error)}`);
        return errorResult(
          `Graph Bridge hit an internal error running ${tool.name} (${describeError(error)}). Try again; if it repeats, check the bridge log in the editor's MCP output.`,
        );
      }
    };
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
