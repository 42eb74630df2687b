/**
 * The MCP SDK parts the handover needs (full.ts, server.ts), as the entry of their own bundle:
 * build/build.mjs bundles this module (with the zod it needs), compresses it and inlines it into
 * dist/bridge.js; main.ts decompresses and compiles it only at a handover, and hands it to the
 * engine (engine.ts `loadSdk`). From source, sdk.ts imports the same three.
 */
export { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
export { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
export { ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
