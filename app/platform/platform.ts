/**
 * The ONE place in the code base that reads `process.platform` (and the other process-wide OS facts:
 * env, home directory, user). Everything OS-specific is chosen here, in `createPlatform`, and handed
 * to the rest of the app as plain data and functions. Tests pass `deps` to impersonate another OS.
 */
import { homedir as osHomedir, userInfo } from 'node:os';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { defaultUploadFolders, osKindOf, resolveAppPaths, type AppPaths, type OsKind } from './paths.ts';
import { createOpenBrowser, type SpawnFn } from './open-browser.ts';
import {
  createLoginItem,
  type AutostartFs,
  type ElectronLoginItemApi,
  type LaunchCommand,
  type LoginItem,
} from './login-item.ts';
import * as nodeFs from 'node:fs/promises';

export type { AppPaths, OsKind } from './paths.ts';
export type { LaunchCommand, LoginItem } from './login-item.ts';

/** Which OS secret store backs the MSAL token cache (msal-node-extensions picks the same per OS). */
export interface KeychainChoice {
  kind: 'dpapi' | 'macos-keychain' | 'libsecret';
  /** For status text: "Windows DPAPI", "macOS Keychain", "Secret Service (libsecret)". */
  label: string;
  /** A plaintext cache file may be opted into only on Linux (settings.allowPlaintextCache). */
  plaintextOptInSupported: boolean;
}

/** electron-builder.yml `appId`: the NSIS shortcut's AppUserModelID, so it must be the same string. */
export const APP_ID = 'com.graphbridge.app';

export interface Platform {
  os: OsKind;
  /**
   * Windows: the AppUserModelID the tray app sets (`app.setAppUserModelId`) so its notifications are
   * shown and attributed to Graph Bridge; null elsewhere (macOS and Linux need none).
   */
  appUserModelId: string | null;
  paths: AppPaths;
  homedir: string;
  username: string;
  /** POSIX uid, or null on Windows. */
  uid: number | null;
  env: Readonly<Record<string, string | undefined>>;
  keychain: KeychainChoice;
  /** Upload folders when settings `uploadFolders` is null: Downloads, Documents, Desktop (paths.ts). */
  defaultUploadFolders: string[];
  /** Opens an http(s) URL in the default browser (argv, never a shell string). */
  openBrowser(url: string): Promise<void>;
  /**
   * "Start at login" for this OS: an XDG autostart entry on Linux, Electron's login-item API (passed
   * in by app/main) on macOS and Windows. `command` is what a login should start.
   */
  loginItem(deps: { command: LaunchCommand; electron: ElectronLoginItemApi; fs?: AutostartFs }): LoginItem;
}

export interface PlatformDeps {
  platform?: NodeJS.Platform;
  env?: Readonly<Record<string, string | undefined>>;
  homedir?: string;
  username?: string;
  uid?: number | null;
  spawn?: SpawnFn;
  /** Reads a small text file, undefined when it is missing or unreadable (default: node:fs). */
  readTextFile?: (path: string) => string | undefined;
}

export function keychainFor(os: OsKind): KeychainChoice {
  switch (os) {
    case 'win32':
      return { kind: 'dpapi', label: 'Windows DPAPI (user-protected file)', plaintextOptInSupported: false };
    case 'darwin':
      return { kind: 'macos-keychain', label: 'macOS Keychain', plaintextOptInSupported: false };
    case 'linux':
      return { kind: 'libsecret', label: 'Secret Service (libsecret)', plaintextOptInSupported: true };
  }
}

function readTextFileOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Linux: xdg-user-dirs' `user-dirs.dirs` (where Downloads/Documents/Desktop really are), if present. */
function xdgUserDirs(
  env: Readonly<Record<string, string | undefined>>,
  homedir: string,
  read: (path: string) => string | undefined,
): string | undefined {
  const configHome = env.XDG_CONFIG_HOME?.trim() ? env.XDG_CONFIG_HOME : posix.join(homedir, '.config');
  return read(posix.join(configHome, 'user-dirs.dirs'));
}

function currentUid(): number | null {
  return typeof process.getuid === 'function' ? process.getuid() : null;
}

function currentUsername(env: Readonly<Record<string, string | undefined>>): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.USERNAME ?? 'user';
  }
}

export function createPlatform(deps: PlatformDeps = {}): Platform {
  const os = osKindOf(deps.platform ?? process.platform);
  const env = deps.env ?? process.env;
  const homedir = deps.homedir ?? osHomedir();
  const username = deps.username ?? currentUsername(env);
  const uid = deps.uid !== undefined ? deps.uid : os === 'win32' ? null : currentUid();
  const userDirs = os === 'linux' ? xdgUserDirs(env, homedir, deps.readTextFile ?? readTextFileOrUndefined) : undefined;
  return {
    os,
    appUserModelId: os === 'win32' ? APP_ID : null,
    paths: resolveAppPaths({ os, env, homedir, username }),
    homedir,
    username,
    uid,
    env,
    keychain: keychainFor(os),
    defaultUploadFolders: defaultUploadFolders({ os, env, homedir, ...(userDirs !== undefined ? { userDirs } : {}) }),
    openBrowser: createOpenBrowser(os, deps.spawn),
    loginItem: ({ command, electron, fs }) =>
      createLoginItem({ os, env, homedir, command, electron, fs: fs ?? nodeFs }),
  };
}
