/**
 * What the fast start answers from: the real McpServer's own answers, recorded once.
 *
 * build/build.mjs runs generate.ts at build time (it creates the real server for every tool, sends it
 * `initialize` and `tools/list` in memory, probes which request methods it serves, reads the SDK's
 * supported protocol versions) and inlines
 * the result into dist/bridge.js as GRAPH_BRIDGE_FAST_START. Run from source (tsx), main.ts generates
 * it at start instead. This module is types and plain functions only: no zod, no SDK.
 */

export interface FastStartTool {
  name: string;
  group: string;
  write: boolean;
  /** The tool's entry in the real server's tools/list answer. */
  listing: Record<string, unknown>;
}

export interface FastStartManifest {
  /** The SDK's LATEST_PROTOCOL_VERSION and SUPPORTED_PROTOCOL_VERSIONS. */
  protocol: { latest: string; supported: string[] };
  /** The real initialize result without `protocolVersion` (it is negotiated per request). */
  initialize: { readWrite: Record<string, unknown>; readOnly: Record<string, unknown> };
  /** Every tool in catalog order. */
  tools: FastStartTool[];
  /**
   * The MCP request methods the real server has a handler for (every other one is answered "Method
   * not found"), probed over the SDK's list of client request methods.
   */
  methods: string[];
}

export interface FastStartSelection {
  groups: readonly string[];
  readOnly: boolean;
}

/** The tools/list entries for this process: the same rule as catalog.ts selectTools. */
export function selectListings(manifest: FastStartManifest, selection: FastStartSelection): Record<string, unknown>[] {
  return manifest.tools
    .filter((t) => selection.groups.includes(t.group) && !(selection.readOnly && t.write))
    .map((t) => t.listing);
}

/** The SDK's rule (Server._oninitialize): a supported requested version is echoed, else the latest. */
export function negotiateProtocolVersion(manifest: FastStartManifest, requested: string): string {
  return manifest.protocol.supported.includes(requested) ? requested : manifest.protocol.latest;
}
