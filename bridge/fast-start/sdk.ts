/**
 * The MCP SDK, loaded only when it is needed: for the handover (full.ts) and for recording the
 * manifest (generate.ts). The fast start and the engine serve the handshake and tool calls without
 * it (front.ts, tool-call.ts), so a bridge normally never evaluates the SDK's hundreds of zod
 * schemas, Ajv or its transports.
 *
 * These are package imports, so esbuild keeps them lazy inside the single-file bundle: build/build.mjs
 * resolves the SDK to its CommonJS build, which esbuild wraps in functions that run at the first
 * require — here, at the first loadSdk().
 */
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
