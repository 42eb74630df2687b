/** The bridge's version, reported in MCP initialize (serverInfo) and to the broker. */
export const BRIDGE_VERSION = '0.1.0';
export const BRIDGE_NAME = 'graph-bridge';
