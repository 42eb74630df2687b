/**
 * Where each supported editor keeps its user-level MCP configuration, per OS.
 *
 * Pure: a function of the injected OS facts ({platform, env, homedir}); nothing here touches the file
 * system or `process`, so every OS is unit-tested on any OS. app/platform is the only folder that may
 * branch on the OS, so the per-OS knowledge lives here and app/clients only consumes the result.
 *
 * | editor         | macOS                                                          | Windows                                   | Linux                                           |
 * |----------------|----------------------------------------------------------------|-------------------------------------------|-------------------------------------------------|
 * | Claude Desktop | ~/Library/Application Support/Claude/claude_desktop_config.json | %APPDATA%\Claude\claude_desktop_config.json | $XDG_CONFIG_HOME/Claude/claude_desktop_config.json |
 * | Claude Code    | $CLAUDE_CONFIG_DIR/.claude.json, else ~/.claude.json (user scope, top-level `mcpServers`) — same on every OS (%USERPROFILE% on Windows) |||
 * | Cursor         | ~/.cursor/mcp.json (%USERPROFILE%\.cursor\mcp.json)            |                                           |                                                 |
 * | VS Code        | ~/Library/Application Support/Code/User/mcp.json               | %APPDATA%\Code\User\mcp.json               | $XDG_CONFIG_HOME/Code/User/mcp.json             |
 * |                | ($VSCODE_PORTABLE/user-data/User/mcp.json for a portable install, every OS)                                                                   |||
 * | Windsurf       | ~/.codeium/windsurf/mcp_config.json (%USERPROFILE% on Windows)  |                                           |                                                 |
 * | Zed            | ~/.config/zed/settings.json                                    | %APPDATA%\Zed\settings.json                | $FLATPAK_XDG_CONFIG_HOME or $XDG_CONFIG_HOME, + /zed/settings.json |
 *
 * Sources: /work/shared/design/editor-configs.md (docker/mcp-gateway, smithery-ai/cli, editor docs) and
 * Zed's `paths.rs` (config_dir: RoamingAppData\Zed on Windows, XDG config on Linux, ~/.config/zed on macOS).
 * Electron apps (Claude Desktop, VS Code) use `$XDG_CONFIG_HOME` (default ~/.config) as appData on Linux.
 */
import { posix, win32 } from 'node:path';
import { osKindOf, type OsKind } from './paths.ts';

export const EDITOR_IDS = ['claude-desktop', 'claude-code', 'cursor', 'vscode', 'windsurf', 'zed'] as const;
export type EditorId = (typeof EDITOR_IDS)[number];

export interface EditorPathInput {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
}

export interface EditorLocation {
  /** The user-level file that holds the editor's MCP servers. */
  configPath: string;
  /**
   * Paths whose existence means the editor is installed (its config dir, its app bundle, …).
   * Checked in order by app/clients; any one existing is enough.
   */
  installMarkers: readonly string[];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

interface Ctx {
  os: OsKind;
  p: typeof posix;
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  /** Windows %APPDATA%, macOS ~/Library/Application Support, Linux $XDG_CONFIG_HOME (Electron's appData). */
  appData: string;
}

function claudeDesktop(c: Ctx): EditorLocation {
  const dir = c.p.join(c.appData, 'Claude');
  const markers = [dir];
  if (c.os === 'darwin') markers.push('/Applications/Claude.app');
  if (c.os === 'win32') {
    const local = nonEmpty(c.env.LOCALAPPDATA) ?? c.p.join(c.home, 'AppData', 'Local');
    markers.push(c.p.join(local, 'AnthropicClaude'));
  }
  return { configPath: c.p.join(dir, 'claude_desktop_config.json'), installMarkers: markers };
}

function claudeCode(c: Ctx): EditorLocation {
  const configDir = nonEmpty(c.env.CLAUDE_CONFIG_DIR);
  if (configDir !== undefined) {
    return { configPath: c.p.join(configDir, '.claude.json'), installMarkers: [configDir] };
  }
  return {
    configPath: c.p.join(c.home, '.claude.json'),
    installMarkers: [c.p.join(c.home, '.claude'), c.p.join(c.home, '.claude.json')],
  };
}

function cursor(c: Ctx): EditorLocation {
  const dir = c.p.join(c.home, '.cursor');
  const markers = [dir, c.p.join(c.appData, 'Cursor')];
  if (c.os === 'darwin') markers.push('/Applications/Cursor.app');
  return { configPath: c.p.join(dir, 'mcp.json'), installMarkers: markers };
}

function vscode(c: Ctx): EditorLocation {
  const portable = nonEmpty(c.env.VSCODE_PORTABLE);
  const userDir =
    portable !== undefined ? c.p.join(portable, 'user-data', 'User') : c.p.join(c.appData, 'Code', 'User');
  const markers = [c.p.dirname(userDir), c.p.join(c.home, '.vscode')];
  if (c.os === 'darwin') markers.push('/Applications/Visual Studio Code.app');
  return { configPath: c.p.join(userDir, 'mcp.json'), installMarkers: markers };
}

function windsurf(c: Ctx): EditorLocation {
  const dir = c.p.join(c.home, '.codeium', 'windsurf');
  const markers = [dir, c.p.join(c.appData, 'Windsurf')];
  if (c.os === 'darwin') markers.push('/Applications/Windsurf.app');
  return { configPath: c.p.join(dir, 'mcp_config.json'), installMarkers: markers };
}

function zed(c: Ctx): EditorLocation {
  let dir: string;
  if (c.os === 'win32') dir = c.p.join(c.appData, 'Zed');
  else if (c.os === 'darwin') dir = c.p.join(c.home, '.config', 'zed');
  else {
    const base =
      nonEmpty(c.env.FLATPAK_XDG_CONFIG_HOME) ?? nonEmpty(c.env.XDG_CONFIG_HOME) ?? c.p.join(c.home, '.config');
    dir = c.p.join(base, 'zed');
  }
  const markers = [dir];
  if (c.os === 'darwin') markers.push('/Applications/Zed.app');
  return { configPath: c.p.join(dir, 'settings.json'), installMarkers: markers };
}

const RESOLVERS: Readonly<Record<EditorId, (c: Ctx) => EditorLocation>> = {
  'claude-desktop': claudeDesktop,
  'claude-code': claudeCode,
  cursor,
  vscode,
  windsurf,
  zed,
};

function context(input: EditorPathInput): Ctx {
  const os = osKindOf(input.platform);
  const p = os === 'win32' ? win32 : posix;
  const home = os === 'win32' ? (nonEmpty(input.env.USERPROFILE) ?? input.homedir) : input.homedir;
  let appData: string;
  if (os === 'win32') appData = nonEmpty(input.env.APPDATA) ?? p.join(home, 'AppData', 'Roaming');
  else if (os === 'darwin') appData = p.join(home, 'Library', 'Application Support');
  else appData = nonEmpty(input.env.XDG_CONFIG_HOME) ?? p.join(home, '.config');
  return { os, p, env: input.env, home, appData };
}

/** The config file and install markers of one editor on the given OS. */
export function editorLocation(editor: EditorId, input: EditorPathInput): EditorLocation {
  return RESOLVERS[editor](context(input));
}

/** Path functions matching the OS (config paths must be joined/dirnamed with the same flavour). */
export function pathFlavour(platform: NodeJS.Platform): typeof posix {
  return osKindOf(platform) === 'win32' ? win32 : posix;
}
