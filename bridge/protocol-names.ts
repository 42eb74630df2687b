/**
 * The few protocol.ts constants the bridge needs before it may load zod: tool group names and the
 * environment variables of the editor's MCP entry. protocol.ts builds zod schemas when it is
 * evaluated, and the fast start (fast-start/front.ts) answers `initialize`/`tools/list` without
 * evaluating zod at all, so config.ts reads these copies instead. test/unit/bridge/config.test.ts
 * proves they equal protocol.ts's TOOL_GROUPS and BRIDGE_ENV, so they cannot drift.
 */
import type { ToolGroup } from '../app/broker/protocol.ts';

export const TOOL_GROUP_NAMES: readonly ToolGroup[] = [
  'profile',
  'mail',
  'calendar',
  'files',
  'teams',
  'tasks',
  'contacts',
  'search',
  'notes',
  'planner',
  'sites',
  'graph',
  'api',
];

export const BRIDGE_ENV_NAMES = {
  tools: 'GRAPH_BRIDGE_TOOLS',
  readOnly: 'GRAPH_BRIDGE_READ_ONLY',
  home: 'GRAPH_BRIDGE_HOME',
  launch: 'GRAPH_BRIDGE_LAUNCH',
  downloadDir: 'GRAPH_BRIDGE_DOWNLOAD_DIR',
  editorKey: 'GRAPH_BRIDGE_EDITOR_KEY',
} as const;
