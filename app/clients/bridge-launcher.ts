/**
 * How an editor starts the bridge. The HOST (CLI or tray) knows how it was itself launched and
 * computes a BridgeLauncher; app/clients never guesses it.
 *
 * - Packaged app (Electron): command = the app's own executable with ELECTRON_RUN_AS_NODE=1,
 *   args = [<resources>/bridge.js]; the tray is started with [<app executable>] (the bridge must drop
 *   ELECTRON_RUN_AS_NODE from that child's environment).
 * - Checkout / agent: command = the absolute path of node (process.execPath),
 *   args = [<repo>/dist/bridge.js]; the broker is started with [node, <repo>/dist/cli.js, agent].
 */
import { BRIDGE_ENV } from '../shared/constants.ts';
import type { ToolGroup } from '../shared/tool-groups.ts';

export interface BridgeLauncher {
  /** Absolute path of the executable the editor runs. */
  command: string;
  /** Arguments before the bridge's own options (the bridge script). */
  args: readonly string[];
  /** Environment the executable needs (e.g. ELECTRON_RUN_AS_NODE). */
  env: Readonly<Record<string, string>>;
  /** argv that starts Graph Bridge (tray or agent) when the bridge finds no broker; null: don't. */
  launch: readonly string[] | null;
}

/** The packaged Electron app: its own executable runs the bridge script in node mode. */
export function electronLauncher(input: { appExecutable: string; bridgeEntry: string }): BridgeLauncher {
  return {
    command: input.appExecutable,
    args: [input.bridgeEntry],
    env: { ELECTRON_RUN_AS_NODE: '1' },
    launch: [input.appExecutable],
  };
}

/** A checkout or the headless agent: node runs dist/bridge.js; the agent starts the broker. */
export function nodeLauncher(input: { nodePath: string; bridgeEntry: string; cliEntry: string }): BridgeLauncher {
  return {
    command: input.nodePath,
    args: [input.bridgeEntry],
    env: {},
    launch: [input.nodePath, input.cliEntry, 'agent'],
  };
}

/** What goes into an editor entry besides the launcher. */
export interface BridgeOptions {
  /** Explicit tool groups for this editor; omitted: the broker's settings decide. */
  toolGroups?: readonly ToolGroup[];
  /** true: this editor gets read-only tools whatever the settings say. */
  readOnly?: boolean;
  /** GRAPH_BRIDGE_HOME of the host, so the bridge finds the same broker. */
  home?: string;
  /** Settings' extraCaFile: PEM of a corporate TLS-inspection CA, for Graph calls from the bridge. */
  extraCaFile?: string;
  /**
   * This editor's credential (app/broker/approvals/editor-credentials.ts), written as
   * GRAPH_BRIDGE_EDITOR_KEY so the broker recognises the editor and remembers its approval.
   */
  editorKey?: string;
}

/** Editor-neutral stdio server definition. */
export interface StdioServerSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export function bridgeServerSpec(launcher: BridgeLauncher, options: BridgeOptions): StdioServerSpec {
  const args = [...launcher.args];
  if (options.toolGroups !== undefined && options.toolGroups.length > 0) {
    args.push('--tools', options.toolGroups.join(','));
  }
  if (options.readOnly === true) args.push('--read-only');
  const env: Record<string, string> = { ...launcher.env };
  if (options.home !== undefined && options.home !== '') env[BRIDGE_ENV.home] = options.home;
  if (launcher.launch !== null) env[BRIDGE_ENV.launch] = JSON.stringify(launcher.launch);
  if (options.extraCaFile !== undefined && options.extraCaFile !== '') env.NODE_EXTRA_CA_CERTS = options.extraCaFile;
  if (options.editorKey !== undefined && options.editorKey !== '') env[BRIDGE_ENV.editorKey] = options.editorKey;
  return { command: launcher.command, args, env };
}
