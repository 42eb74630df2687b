/**
 * The MCP SDK, loaded only when it is needed: for the handover (full.ts) and for recording the
 * manifest (generate.ts). The fast start and the engine serve the handshake and tool calls without
 * it (front.ts, tool-call.ts), so a bridge normally never evaluates the SDK's hundreds of zod
 * schemas, Ajv or its transports.
 *
 * In dist/bridge.js the SDK is not part of the engine at all (build/build.mjs keeps it external
 * there): main.ts passes the engine a loader for its own compressed SDK bundle (sdk-bundle.ts).
 * These package imports serve the bridge run from source, generate.ts and the tests.
 */
import type * as SdkBundleExports from './sdk-bundle.ts';

export async function loadSdk() {
  const [mcp, types, stdio] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/mcp.js'),
    import('@modelcontextprotocol/sdk/types.js'),
    import('@modelcontextprotocol/sdk/server/stdio.js'),
  ]);
  return {
    McpServer: mcp.McpServer,
    StdioServerTransport: stdio.StdioServerTransport,
    ListToolsRequestSchema: types.ListToolsRequestSchema,
  };
}

export type Sdk = Awaited<ReturnType<typeof loadSdk>>;

/** What sdk-bundle.ts exports (main.ts compiles that bundle and passes it as an Sdk). */
export type SdkBundle = typeof SdkBundleExports;
