/**
 * `graph-bridge connect` / `graph-bridge disconnect`: add or remove the Graph Bridge entry in an
 * editor's MCP config, safely (JSONC-aware edit, backup, lock, atomic write — see app/clients).
 */
import { dirname, join } from 'node:path';
import { TOOL_GROUPS, type ToolGroup } from '../../shared/tool-groups.ts';
import { loadSettings } from '../../broker/settings/settings-store.ts';
import { createEditorCredentials, EDITOR_KEYS_FILE } from '../../broker/approvals/editor-credentials.ts';
import { connectAdmin } from '../admin-client.ts';
import { cliCommand } from '../invocation.ts';
import {
  electronLauncher,
  nodeLauncher,
  type BridgeLauncher,
  type BridgeOptions,
} from '../../clients/bridge-launcher.ts';
import {
  connectEditor,
  disconnectEditor,
  editorKeyFor,
  editorSnippet,
  isEditorId,
  listEditors,
  type ClientsContext,
  type ConnectOutcome,
  type EditorStatus,
} from '../../clients/connections.ts';
import { EDITORS } from '../../clients/editors/index.ts';
import { isProcessAlive, nodeConfigFs } from '../../clients/fs/config-fs.ts';
import type { ClientsError } from '../../clients/result.ts';
import { EDITOR_IDS, type EditorId } from '../../platform/editor-paths.ts';
import { parseCommandArgs } from '../args.ts';
import { EXIT, usageError, type CliDeps, type CommandSpec } from '../command.ts';
import type { Result } from '../../shared/result.ts';

/** Hosts that know better (the tray) pass their own launcher; the CLI derives it from its own process. */
export type ConnectDeps = CliDeps & { bridgeLauncher?: BridgeLauncher; clients?: Partial<ClientsContext> };

const EDITOR_LIST = EDITOR_IDS.join(', ');

const CONNECT_USAGE = `Usage:
  graph-bridge connect <editor> [--read-only] [--tools <groups>]
  graph-bridge connect --all-installed [--read-only] [--tools <groups>]
  graph-bridge connect --list [--json]
  graph-bridge connect --print <editor> [--read-only] [--tools <groups>]

Adds a "graph-bridge" server to the editor's MCP config. Comments, formatting and every other
entry are kept; a backup <file>.graph-bridge-backup-<UTC time> is written beside the file first,
and a file that does not parse is never touched. Running it twice changes nothing.
The entry carries a credential for this editor (GRAPH_BRIDGE_EDITOR_KEY): Graph Bridge recognises the
editor by it and remembers your approval; a program that only uses the editor's name is asked again.

Editors: ${EDITOR_LIST}
Options:
  --read-only        this editor gets read-only tools only
  --tools <groups>   comma-separated tool groups for this editor (${TOOL_GROUPS.join(', ')});
                     without it the tray/agent settings decide
  --all-installed    connect every editor found on this computer
  --list             show every editor: installed?, connected?, config file
  --print <editor>   print the entry to paste by hand; changes nothing
  --json             with --list: machine-readable output`;

const DISCONNECT_USAGE = `Usage: graph-bridge disconnect <editor>

Removes only the "graph-bridge" entry from the editor's MCP config (backup first; everything else
stays byte for byte) and revokes the editor's credential, so its approval ends. Editors: ${EDITOR_LIST}`;

const ALIASES: Readonly<Record<string, EditorId>> = {
  claude: 'claude-desktop',
  code: 'vscode',
  'vs-code': 'vscode',
  'visual-studio-code': 'vscode',
};

function resolveEditor(name: string): EditorId | null {
  const key = name.toLowerCase();
  if (isEditorId(key)) return key;
  return ALIASES[key] ?? null;
}

function parseTools(value: string | undefined): { ok: true; groups?: ToolGroup[] } | { ok: false; message: string } {
  if (value === undefined) return { ok: true };
  const groups = value
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g !== '');
  const bad = groups.filter((g) => !(TOOL_GROUPS as readonly string[]).includes(g));
  if (groups.length === 0 || bad.length > 0) {
    return {
      ok: false,
      message: `--tools: unknown group(s) ${bad.join(', ') || '(none given)'}. Use: ${TOOL_GROUPS.join(', ')}.`,
    };
  }
  return { ok: true, groups: [...new Set(groups)] as ToolGroup[] };
}

/** How editors should start the bridge, from how this CLI process itself runs. */
export function hostLauncher(deps: Pick<CliDeps, 'env' | 'execPath' | 'bridgeEntry'>): BridgeLauncher {
  if (deps.env.ELECTRON_RUN_AS_NODE === '1') {
    return electronLauncher({ appExecutable: deps.execPath, bridgeEntry: deps.bridgeEntry });
  }
  return nodeLauncher({
    nodePath: deps.execPath,
    bridgeEntry: deps.bridgeEntry,
    cliEntry: join(dirname(deps.bridgeEntry), 'cli.js'),
  });
}

function clientsContext(deps: ConnectDeps): ClientsContext {
  return {
    paths: { platform: deps.platform.os, env: deps.env, homedir: deps.platform.homedir },
    launcher: deps.bridgeLauncher ?? hostLauncher(deps),
    fs: nodeConfigFs,
    now: () => new Date(),
    pid: process.pid,
    isProcessAlive,
    credentials: createEditorCredentials({ filePath: join(deps.platform.paths.stateDir, EDITOR_KEYS_FILE) }),
    ...deps.clients,
  };
}

async function bridgeOptions(
  deps: ConnectDeps,
  flags: { readOnly: boolean; tools: ToolGroup[] | undefined },
): Promise<BridgeOptions> {
  const options: BridgeOptions = {};
  if (flags.tools !== undefined) options.toolGroups = flags.tools;
  if (flags.readOnly) options.readOnly = true;
  const home = deps.env.GRAPH_BRIDGE_HOME;
  if (home !== undefined && home !== '') options.home = home;
  const loaded = await loadSettings({ configDir: deps.platform.paths.configDir, env: deps.env });
  if (loaded.ok) {
    if (loaded.value.settings.extraCaFile !== null) options.extraCaFile = loaded.value.settings.extraCaFile;
  } else {
    deps.stderr.write(
      `graph-bridge: warning: settings not loaded, so no extra CA file is added to the entry:\n${loaded.error.message}\n`,
    );
  }
  return options;
}

function reportChange(
  deps: ConnectDeps,
  verb: 'connect' | 'disconnect',
  r: Result<ConnectOutcome, ClientsError>,
): number {
  if (!r.ok) {
    deps.stderr.write(`graph-bridge: ${r.error.message}\n`);
    return EXIT.FAILURE;
  }
  const o = r.value;
  if (!o.changed) {
    deps.stdout.write(
      verb === 'connect'
        ? `${o.displayName} is already connected (${o.file} unchanged).\n`
        : `${o.displayName} was not connected (${o.file} unchanged).\n`,
    );
    return EXIT.OK;
  }
  const what =
    verb === 'connect' ? `${o.created ? 'created' : 'updated'} ${o.file}` : `removed "${o.entryName}" from ${o.file}`;
  deps.stdout.write(
    `${verb === 'connect' ? 'Connected' : 'Disconnected'} ${o.displayName}: ${what}.\n` +
      (o.backup !== null ? `  Backup of the previous file: ${o.backup}\n` : '') +
      (verb === 'connect' ? `  Next: ${o.afterConnect}\n` : `  Restart ${o.displayName} to drop the server.\n`),
  );
  return EXIT.OK;
}

function formatList(deps: ConnectDeps, rows: EditorStatus[]): string {
  const header = ['EDITOR', 'INSTALLED', 'CONNECTED', 'CONFIG FILE'];
  const table = rows.map((r) => [
    `${r.displayName} (${r.editor})`,
    r.installed ? 'yes' : 'no',
    { connected: 'yes', outdated: 'outdated', 'not-connected': 'no', unreadable: 'unreadable' }[r.state],
    r.configPath + (r.configExists ? '' : ' (missing)'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c)).join('  ');
  const notes = rows
    .filter((r) => r.detail !== null && r.state !== 'connected')
    .map(
      (r) =>
        `  ${r.displayName}: ${r.state === 'outdated' ? `entry ${r.detail} — update it with: ${cliCommand(deps, 'connect', r.editor)}` : r.detail}`,
    );
  return [line(header), ...table.map(line), ...(notes.length > 0 ? ['', ...notes] : [])].join('\n') + '\n';
}

function parseConnectArgs(argv: string[]) {
  return parseCommandArgs(argv, {
    'read-only': { type: 'boolean' },
    tools: { type: 'string' },
    'all-installed': { type: 'boolean' },
    list: { type: 'boolean' },
    print: { type: 'string' },
    json: { type: 'boolean' },
  });
}

/** A connect command line that names exactly one thing to do. */
interface ConnectLine {
  values: Extract<ReturnType<typeof parseConnectArgs>, { ok: true }>['values'];
  positionals: string[];
  tools: ToolGroup[] | undefined;
}

/** The checked command line, or the exit code once a usage error or --help is written. */
function checkConnectArgs(argv: string[], deps: ConnectDeps): ConnectLine | number {
  const args = parseConnectArgs(argv);
  if (!args.ok) return usageError(deps, args.message, CONNECT_USAGE);
  const v = args.values;
  if (v.help === true) return (deps.stdout.write(`${CONNECT_USAGE}\n`), EXIT.OK);
  const modes = [v.list === true, v['all-installed'] === true, v.print !== undefined, args.positionals.length > 0];
  if (modes.filter(Boolean).length !== 1) {
    return usageError(deps, 'name one editor, or use exactly one of --all-installed, --list, --print.', CONNECT_USAGE);
  }
  if (args.positionals.length > 1)
    return usageError(deps, 'connect one editor at a time (or --all-installed).', CONNECT_USAGE);
  const tools = parseTools(v.tools);
  if (!tools.ok) return usageError(deps, tools.message, CONNECT_USAGE);
  return { values: v, positionals: args.positionals, tools: tools.groups };
}

/** --list [--json]. */
async function listConnections(deps: ConnectDeps, ctx: ClientsContext, json: boolean): Promise<number> {
  const rows = await listEditors(ctx);
  deps.stdout.write(json ? `${JSON.stringify(rows, null, 2)}\n` : formatList(deps, rows));
  return EXIT.OK;
}

/** --print <editor>: the entry to paste (with the editor's credential when it has one); writes nothing. */
async function printEntry(
  deps: ConnectDeps,
  { ctx, name, bridge }: { ctx: ClientsContext; name: string; bridge: BridgeOptions },
): Promise<number> {
  const editor = resolveEditor(name);
  if (editor === null) return usageError(deps, `unknown editor "${name}". Editors: ${EDITOR_LIST}.`, CONNECT_USAGE);
  const key = await editorKeyFor(ctx, editor);
  if (!key.ok) return (deps.stderr.write(`graph-bridge: ${key.error.message}\n`), EXIT.FAILURE);
  deps.stdout.write(
    `${editorSnippet(ctx, editor, key.value === null ? bridge : { ...bridge, editorKey: key.value })}\n`,
  );
  deps.stderr.write(
    `Merge this into ${EDITORS[editor].displayName}'s config (${cliCommand(deps, 'connect', '--list')} shows the file). ` +
      `It holds the editor's credential: keep it out of shared files.\n`,
  );
  return EXIT.OK;
}

/** --all-installed: connects every editor found; exit 1 when none is, or when any connect failed. */
async function connectAllInstalled(deps: ConnectDeps, ctx: ClientsContext, bridge: BridgeOptions): Promise<number> {
  const installed = (await listEditors(ctx)).filter((r) => r.installed);
  if (installed.length === 0) {
    deps.stderr.write(`graph-bridge: no supported editor found (${EDITOR_LIST}). Name one to connect it anyway.\n`);
    return EXIT.FAILURE;
  }
  let code: number = EXIT.OK;
  for (const row of installed) {
    const r = reportChange(deps, 'connect', await connectEditor(ctx, row.editor, bridge));
    if (r !== EXIT.OK) code = r;
  }
  return code;
}

export async function runConnect(argv: string[], deps: ConnectDeps): Promise<number> {
  const line = checkConnectArgs(argv, deps);
  if (typeof line === 'number') return line;
  const v = line.values;
  const ctx = clientsContext(deps);
  if (v.list === true) return listConnections(deps, ctx, v.json === true);
  const bridge = await bridgeOptions(deps, { readOnly: v['read-only'] === true, tools: line.tools });
  if (v.print !== undefined) return printEntry(deps, { ctx, name: v.print, bridge });
  if (v['all-installed'] === true) return connectAllInstalled(deps, ctx, bridge);
  const name = line.positionals[0] as string;
  const editor = resolveEditor(name);
  if (editor === null) return usageError(deps, `unknown editor "${name}". Editors: ${EDITOR_LIST}.`, CONNECT_USAGE);
  return reportChange(deps, 'connect', await connectEditor(ctx, editor, bridge));
}

export async function runDisconnect(argv: string[], deps: ConnectDeps): Promise<number> {
  const args = parseCommandArgs(argv, {});
  if (!args.ok) return usageError(deps, args.message, DISCONNECT_USAGE);
  if (args.values.help === true) return (deps.stdout.write(`${DISCONNECT_USAGE}\n`), EXIT.OK);
  if (args.positionals.length !== 1) return usageError(deps, 'name one editor to disconnect.', DISCONNECT_USAGE);
  const name = args.positionals[0] as string;
  const editor = resolveEditor(name);
  if (editor === null) return usageError(deps, `unknown editor "${name}". Editors: ${EDITOR_LIST}.`, DISCONNECT_USAGE);
  const code = reportChange(deps, 'disconnect', await disconnectEditor(clientsContext(deps), editor));
  if (code === EXIT.OK) await forgetInRunningBroker(deps, editor);
  return code;
}

/** A running broker drops the editor's approval at once (its live bridges stop being served). */
async function forgetInRunningBroker(deps: ConnectDeps, editor: EditorId): Promise<void> {
  const admin = await connectAdmin(
    deps.platform.paths.endpoint,
    deps.platform.os === 'win32',
    deps.platform.uid ?? undefined,
  );
  if (admin === null) return;
  try {
    const r = await admin.call('status', {});
    if (r.ok && r.value.status.clients.some((c) => c.id === editor)) {
      const revoked = await admin.call('clients.decide', { id: editor, decision: 'revoke' });
      if (!revoked.ok) deps.stderr.write(`graph-bridge: warning: ${revoked.error.message}\n`);
    }
  } finally {
    admin.close();
  }
}

export const connectCommand: CommandSpec = {
  name: 'connect',
  summary: 'Add Graph Bridge to an editor (Claude, Cursor, VS Code, Windsurf, Zed); --list shows them all',
  run: runConnect,
};

export const disconnectCommand: CommandSpec = {
  name: 'disconnect',
  summary: "Remove Graph Bridge from an editor's MCP config",
  run: runDisconnect,
};
