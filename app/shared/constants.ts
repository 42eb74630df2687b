/**
 * Broker <-> bridge constants: protocol version, frame and connection limits, JSON-RPC error codes, the
 * broker's error codes and the environment variables of an editor's bridge entry. Zod-free: the bridge's
 * fast start (bridge/fast-start/front.ts) reads BRIDGE_ENV before it may load zod.
 */

export const PROTOCOL_VERSION = 1;
/** Largest frame (one JSON line, excluding the newline) either side accepts once hello succeeded. */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Largest frame the broker reads before hello succeeded (hello is small: the catalog comes after it). */
export const MAX_PRE_HELLO_FRAME_BYTES = 8 * 1024;
/** A connection that has not said hello within this is closed. */
export const HELLO_DEADLINE_MS = 5_000;
/** Connections awaiting hello per socket; one more closes the oldest of them. */
export const MAX_UNAUTHENTICATED_CONNECTIONS = 64;
/** Requests a single connection may have in flight before the broker refuses more. */
export const MAX_IN_FLIGHT_PER_CONNECTION = 32;

/** JSON-RPC protocol error codes (the protocol channel). */
export const RPC_ERROR = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  /** A request other than hello before hello succeeded, or a bad key. The connection is closed. */
  UNAUTHENTICATED: -32001,
  /** Too many requests in flight on this connection. */
  BUSY: -32002,
} as const;

/** The stable codes of the domain error channel (`{ok:false, error:{code, message}}`). */
export const BROKER_ERROR_CODES = [
  'NOT_SIGNED_IN',
  'CONSENT_REQUIRED',
  'INTERACTION_REQUIRED',
  'CLIENT_NOT_APPROVED',
  'APPROVAL_DENIED',
  'PAUSED',
  'KEYCHAIN_UNAVAILABLE',
  'PROTOCOL_MISMATCH',
  'BAD_REQUEST',
  /** The broker's settings are read-only: no write approvals, no write scopes. */
  'READ_ONLY',
  /** The tool's group (or the scope's group) is turned off in the broker's settings. */
  'GROUP_DISABLED',
  /** Entra ID could not be reached or answered 5xx/429; retrying later may help. */
  'ENTRA_UNAVAILABLE',
  /** Bug or unexpected state inside the broker; the message says where to look (log path). */
  'INTERNAL',
] as const;
export type BrokerErrorCode = (typeof BROKER_ERROR_CODES)[number];

/** Environment variables the bridge reads (set in the editor's MCP entry by `graph-bridge connect`). */
export const BRIDGE_ENV = {
  /** Comma-separated tool groups. */
  tools: 'GRAPH_BRIDGE_TOOLS',
  /** "1" for read-only. */
  readOnly: 'GRAPH_BRIDGE_READ_ONLY',
  /** Config/state root override (tests, portable installs). */
  home: 'GRAPH_BRIDGE_HOME',
  /** Command line that starts Graph Bridge (the tray) when the broker is absent, as a JSON array. */
  launch: 'GRAPH_BRIDGE_LAUNCH',
  /** Directory where read_file saves large/binary downloads. */
  downloadDir: 'GRAPH_BRIDGE_DOWNLOAD_DIR',
  /** This editor's credential (64 hex chars), sent in hello; the broker keeps only its hash. */
  editorKey: 'GRAPH_BRIDGE_EDITOR_KEY',
} as const;
