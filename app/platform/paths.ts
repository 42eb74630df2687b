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
import { resolveBrokerEndpoint, type BrokerEndpoint } from '../broker/protocol.ts';

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
