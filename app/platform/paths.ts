/**
 * Per-user directories for Graph Bridge, derived from OS facts that the caller passes in (pure: no
 * `process` access here, so every OS can be unit-tested on any OS).
 *
 * | OS      | configDir                                   | stateDir                                          |
 * |---------|---------------------------------------------|---------------------------------------------------|
 * | Linux   | `$XDG_CONFIG_HOME/graph-bridge` (~/.config) | `$XDG_STATE_HOME/graph-bridge` (~/.local/state)   |
 * | macOS   | `~/Library/Application Support/Graph Bridge` | same folder + `/state`                           |
 * | Windows | `%APPDATA%\Graph Bridge`                    | `%LOCALAPPDATA%\Graph Bridge`                     |
 *
 * `GRAPH_BRIDGE_HOME` overrides both roots: config = `$GRAPH_BRIDGE_HOME/config`, state =
 * `$GRAPH_BRIDGE_HOME/state` (tests, portable installs). Logs always live in `<stateDir>/logs`.
 */
import { posix, win32 } from 'node:path';
import { resolveBrokerEndpoint, type BrokerEndpoint } from '../shared/endpoint.ts';

export type OsKind = 'linux' | 'darwin' | 'win32';

export interface PathInput {
  os: OsKind;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  username: string;
}

export interface AppPaths {
  /** Holds settings.json. */
  configDir: string;
  /** Holds the active-account state file, the token-cache marker/lock files and logs. */
  stateDir: string;
  logDir: string;
  /** Where the broker listens (socket/pipe) and keeps its key. */
  endpoint: BrokerEndpoint;
  /**
   * Keychain service of this profile's token cache: "Graph Bridge", or for a GRAPH_BRIDGE_HOME profile
   * (the demo, a portable install) "Graph Bridge (<home>)", so profiles never share sign-ins.
   */
  keychainService: string;
}

/** Maps any Node platform string to the three OS families we support (other Unixes behave like Linux). */
export function osKindOf(platform: NodeJS.Platform): OsKind {
  if (platform === 'win32' || platform === 'darwin') return platform;
  return 'linux';
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value : undefined;
}

export function resolveAppPaths(input: PathInput): AppPaths {
  const { os, env, homedir, username } = input;
  const p = os === 'win32' ? win32 : posix;
  const home = nonEmpty(env.GRAPH_BRIDGE_HOME);
  let configDir: string;
  let stateDir: string;
  if (home !== undefined) {
    configDir = p.join(home, 'config');
    stateDir = p.join(home, 'state');
  } else if (os === 'win32') {
    configDir = p.join(nonEmpty(env.APPDATA) ?? p.join(homedir, 'AppData', 'Roaming'), 'Graph Bridge');
    stateDir = p.join(nonEmpty(env.LOCALAPPDATA) ?? p.join(homedir, 'AppData', 'Local'), 'Graph Bridge');
  } else if (os === 'darwin') {
    configDir = p.join(homedir, 'Library', 'Application Support', 'Graph Bridge');
    stateDir = p.join(configDir, 'state');
  } else {
    configDir = p.join(nonEmpty(env.XDG_CONFIG_HOME) ?? p.join(homedir, '.config'), 'graph-bridge');
    stateDir = p.join(nonEmpty(env.XDG_STATE_HOME) ?? p.join(homedir, '.local', 'state'), 'graph-bridge');
  }
  const endpoint = resolveBrokerEndpoint({ platform: os, env, homedir, username });
  const keychainService = home === undefined ? 'Graph Bridge' : `Graph Bridge (${p.resolve(home)})`;
  return { configDir, stateDir, logDir: p.join(stateDir, 'logs'), endpoint, keychainService };
}

// ---------------------------------------------------------------------------------------------
// Upload folders: where upload tools may read local files (settings `uploadFolders`).

export interface UploadFolderInput {
  os: OsKind;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  /** Linux: the text of `$XDG_CONFIG_HOME/user-dirs.dirs` (xdg-user-dirs), when it exists. */
  userDirs?: string;
}

/** `p` normalised, without a trailing separator (but a root stays a root). */
function folder(p: typeof posix, dir: string): string {
  const normalized = p.normalize(dir);
  const trimmed = normalized.replace(/[\\/]+$/, '');
  return trimmed === '' || /^[A-Za-z]:$/.test(trimmed) ? normalized : trimmed;
}

const XDG_UPLOAD_KEYS = [
  ['XDG_DOWNLOAD_DIR', 'Downloads'],
  ['XDG_DOCUMENTS_DIR', 'Documents'],
  ['XDG_DESKTOP_DIR', 'Desktop'],
] as const;

/**
 * `XDG_<NAME>_DIR="$HOME/…"` lines of user-dirs.dirs (the only forms xdg-user-dirs writes: `$HOME/…`
 * or an absolute path). Other lines and other forms are ignored.
 */
export function parseXdgUserDirs(text: string, homedir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(XDG_[A-Z]+_DIR)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(line);
    if (!m?.[1] || m[2] === undefined) continue;
    const value = m[2].replace(/\\(.)/g, '$1');
    if (value === '$HOME' || value.startsWith('$HOME/')) out[m[1]] = folder(posix, posix.join(homedir, value.slice(5)));
    else if (value.startsWith('/')) out[m[1]] = folder(posix, value);
  }
  return out;
}

/**
 * The default upload folders: the user's Downloads, Documents and Desktop. On Linux the xdg-user-dirs
 * locations win (`XDG_*_DIR` in the environment, then user-dirs.dirs); a folder set to the home folder
 * itself means "disabled" in that spec and is left out.
 */
export function defaultUploadFolders(input: UploadFolderInput): string[] {
  const { os, env, homedir } = input;
  const p = os === 'win32' ? win32 : posix;
  const fromFile = os === 'linux' && input.userDirs !== undefined ? parseXdgUserDirs(input.userDirs, homedir) : {};
  const out: string[] = [];
  for (const [key, name] of XDG_UPLOAD_KEYS) {
    const xdg = os === 'linux' ? (nonEmpty(env[key]) ?? fromFile[key]) : undefined;
    const dir = xdg !== undefined && p.isAbsolute(xdg) ? folder(p, xdg) : p.join(homedir, name);
    if (p.relative(homedir, dir) === '' || out.includes(dir)) continue;
    out.push(dir);
  }
  return out;
}

/**
 * The folders upload tools may read from: settings `uploadFolders` (null = `defaults`), with a leading
 * `~` expanded to the home folder; entries that are not absolute after that are dropped.
 */
export function effectiveUploadFolders(
  setting: readonly string[] | null,
  facts: { os: OsKind; homedir: string; defaults: readonly string[] },
): string[] {
  if (setting === null) return [...facts.defaults];
  const p = facts.os === 'win32' ? win32 : posix;
  const out: string[] = [];
  for (const entry of setting) {
    const expanded = /^~(?:[\\/]|$)/.test(entry) ? p.join(facts.homedir, entry.slice(1)) : entry;
    if (!p.isAbsolute(expanded)) continue;
    const dir = folder(p, expanded);
    if (!out.includes(dir)) out.push(dir);
  }
  return out;
}

/** Graph Bridge's own folders (settings, state, logs, the broker key and socket): never uploaded from. */
export function graphBridgeFolders(paths: AppPaths): string[] {
  return [...new Set([paths.configDir, paths.stateDir, paths.logDir, paths.endpoint.dir])];
}
