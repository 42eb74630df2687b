/**
 * "Start at login", per OS. The ONE place that picks the implementation:
 *
 * | OS              | mechanism                                                                 |
 * |-----------------|---------------------------------------------------------------------------|
 * | macOS, Windows  | Electron's `app.get/setLoginItemSettings` (passed in from app/main)        |
 * | Linux (and BSD) | an XDG autostart entry `$XDG_CONFIG_HOME/autostart/graph-bridge.desktop`  |
 *
 * Electron's login-item API does nothing on Linux, so there we write a Desktop Entry (freedesktop
 * "Desktop Application Autostart" spec) ourselves: atomically (temp file + rename), `Exec` quoted per
 * the Desktop Entry spec's Exec rules, and removed again when the user unchecks the item. The menu
 * shows "on" only when the file exists, is not disabled (`Hidden=true` /
 * `X-GNOME-Autostart-enabled=false`) and its Exec starts THIS executable — an entry left by an
 * AppImage in another folder shows as off, and checking the item rewrites it to point at us.
 *
 * An AppImage is mounted at a new path on every run; the stable path is the `APPIMAGE` environment
 * variable the AppImage runtime sets, so that is what the entry runs.
 */
import type * as fsp from 'node:fs/promises';
import { posix } from 'node:path';
import type { OsKind } from './paths.ts';
import { errnoOf } from '../shared/errno.ts';
import { writeFileAtomic, type AtomicFs } from './atomic-file.ts';

export const AUTOSTART_FILE_NAME = 'graph-bridge.desktop';

export interface LoginItem {
  /** Which mechanism is used (for logs and the docs). */
  readonly kind: 'xdg-autostart' | 'electron';
  /** True when the app starts at login, pointing at this executable. */
  isEnabled(): Promise<boolean>;
  /** Turns start-at-login on or off; rejects with an Error whose message says what to do. */
  setEnabled(enabled: boolean): Promise<void>;
}

/** The command the login item starts: the executable and its arguments (never a shell string). */
export interface LaunchCommand {
  executable: string;
  args: readonly string[];
}

/** The subset of Electron's `app` used on macOS and Windows (injected from app/main). */
export interface ElectronLoginItemApi {
  getLoginItemSettings(options?: { path?: string; args?: string[] }): { openAtLogin: boolean };
  setLoginItemSettings(settings: { openAtLogin: boolean; path?: string; args?: string[] }): void;
}

/** The file operations the XDG implementation needs (node:fs/promises satisfies it). */
export type AutostartFs = AtomicFs & Pick<typeof fsp, 'readFile'>;

// ---------------------------------------------------------------------------------------------
// Desktop Entry encoding (https://specifications.freedesktop.org/desktop-entry-spec/latest/)

/** Characters that force an Exec argument to be quoted (the spec's list, plus "=" and "%" to be safe). */
const EXEC_RESERVED = /[\s"'\\><~|&;$*?#()`=%]/;

/** Quotes one Exec argument: inside double quotes, `"`, `` ` ``, `$` and `\` get a backslash. */
export function quoteExecArg(arg: string): string {
  if (arg !== '' && !EXEC_RESERVED.test(arg)) return arg;
  return `"${arg.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * The general string escapes every value gets (applied AFTER Exec quoting, undone before it):
 * `\` → `\\`, newline → `\n`, tab → `\t`, carriage return → `\r`.
 */
export function escapeStringValue(value: string): string {
  return value.replace(/[\\\n\t\r]/g, (c) => ({ '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r' })[c] ?? c);
}

export function unescapeStringValue(value: string): string {
  return value.replace(/\\([\\nstr])/g, (_m, c: string) => ({ '\\': '\\', n: '\n', s: ' ', t: '\t', r: '\r' })[c] ?? c);
}

/** The Exec value for a command: each argument quoted, `%` doubled (field codes), string-escaped. */
export function execValue(command: LaunchCommand): string {
  const line = [command.executable, ...command.args].map(quoteExecArg).join(' ').replace(/%/g, '%%');
  return escapeStringValue(line);
}

/**
 * Parses an Exec value back into argv (string escapes undone, then quoting, then `%%`). Returns
 * null for a value that does not follow the quoting rules (unterminated quote). Field codes other
 * than `%%` are kept as written (we never write any).
 */
export function parseExecValue(value: string): string[] | null {
  const line = unescapeStringValue(value);
  const args: string[] = [];
  let current: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n') {
      if (current !== null) args.push(current);
      current = null;
    } else if (c === '"') {
      current ??= '';
      let closed = false;
      for (i++; i < line.length; i++) {
        const q = line[i] ?? '';
        if (q === '\\' && i + 1 < line.length) {
          current += line[++i] ?? '';
        } else if (q === '"') {
          closed = true;
          break;
        } else {
          current += q;
        }
      }
      if (!closed) return null;
    } else {
      current = (current ?? '') + c;
    }
  }
  if (current !== null) args.push(current);
  return args.map((a) => a.replace(/%%/g, '%'));
}

/** `Key=value` lines of the `[Desktop Entry]` group (other groups, comments and blanks skipped). */
export function parseDesktopEntry(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let inMain = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) {
      inMain = line === '[Desktop Entry]';
      continue;
    }
    const eq = line.indexOf('=');
    if (!inMain || eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    if (!out.has(key)) out.set(key, line.slice(eq + 1).trim());
  }
  return out;
}

export function autostartEntry(command: LaunchCommand): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.5',
    'Name=Graph Bridge',
    'Comment=Lets AI editors use Microsoft 365 as you, safely (tray)',
    `TryExec=${escapeStringValue(command.executable)}`,
    `Exec=${execValue(command)}`,
    'Terminal=false',
    'Categories=Utility;',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** True when the entry is active and starts exactly `command`. */
export function entryStarts(text: string, command: LaunchCommand): boolean {
  const entry = parseDesktopEntry(text);
  if (entry.get('Hidden')?.toLowerCase() === 'true') return false;
  if (entry.get('X-GNOME-Autostart-enabled')?.toLowerCase() === 'false') return false;
  const exec = entry.get('Exec');
  if (exec === undefined) return false;
  const argv = parseExecValue(exec);
  const want = [command.executable, ...command.args];
  return argv !== null && argv.length === want.length && argv.every((a, i) => a === want[i]);
}

// ---------------------------------------------------------------------------------------------
// Implementations

export interface XdgLoginItemDeps {
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  /** What a login should start when not run as an AppImage (packaged: the executable; checkout: electron + main). */
  command: LaunchCommand;
  fs: AutostartFs;
}

/** `$XDG_CONFIG_HOME/autostart` (a relative XDG_CONFIG_HOME is invalid per the base-dir spec → ~/.config). */
export function autostartDir(env: Readonly<Record<string, string | undefined>>, homedir: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg !== undefined && posix.isAbsolute(xdg) ? xdg : posix.join(homedir, '.config');
  return posix.join(base, 'autostart');
}

/** An AppImage's mount point changes on every run: autostart must run the AppImage file itself. */
export function autostartCommand(env: Readonly<Record<string, string | undefined>>, command: LaunchCommand) {
  const appImage = env.APPIMAGE;
  return appImage !== undefined && posix.isAbsolute(appImage) ? { executable: appImage, args: [] } : command;
}

export function createXdgLoginItem(deps: XdgLoginItemDeps): LoginItem {
  const dir = autostartDir(deps.env, deps.homedir);
  const file = posix.join(dir, AUTOSTART_FILE_NAME);
  const command = autostartCommand(deps.env, deps.command);
  return {
    kind: 'xdg-autostart',
    async isEnabled() {
      try {
        return entryStarts(await deps.fs.readFile(file, 'utf8'), command);
      } catch (err: unknown) {
        if (errnoOf(err) === 'ENOENT') return false;
        throw err;
      }
    },
    async setEnabled(enabled) {
      if (!enabled) {
        try {
          await deps.fs.unlink(file);
        } catch (err: unknown) {
          if (errnoOf(err) !== 'ENOENT') {
            throw new Error(`Could not remove ${file}: ${(err as Error).message}. Delete it by hand.`, {
              cause: err,
            });
          }
        }
        return;
      }
      if (command.executable.includes('=')) {
        throw new Error(
          `Cannot start ${command.executable} at login: the Desktop Entry spec forbids "=" in the program path. Move the app to a folder without "=".`,
        );
      }
      try {
        await writeFileAtomic(file, autostartEntry(command), { mode: 0o644, fs: deps.fs });
      } catch (err: unknown) {
        throw new Error(`Could not write ${file}: ${(err as Error).message}. Check that the folder is writable.`, {
          cause: err,
        });
      }
    },
  };
}

export interface ElectronLoginItemDeps {
  electron: ElectronLoginItemApi;
  /** Windows compares/stores this command (an unpackaged app needs its main script as an argument). */
  command: LaunchCommand;
  os: 'darwin' | 'win32';
}

export function createElectronLoginItem(deps: ElectronLoginItemDeps): LoginItem {
  // macOS ignores path/args (the login item is the app bundle); Windows stores them in the Run key.
  const target = deps.os === 'win32' ? { path: deps.command.executable, args: [...deps.command.args] } : {};
  return {
    kind: 'electron',
    isEnabled: () => Promise.resolve(deps.electron.getLoginItemSettings(target).openAtLogin),
    setEnabled(enabled) {
      deps.electron.setLoginItemSettings({ openAtLogin: enabled, ...target });
      return Promise.resolve();
    },
  };
}

export interface LoginItemDeps {
  os: OsKind;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  command: LaunchCommand;
  electron: ElectronLoginItemApi;
  fs: AutostartFs;
}

export function createLoginItem(deps: LoginItemDeps): LoginItem {
  if (deps.os === 'linux') {
    return createXdgLoginItem({ env: deps.env, homedir: deps.homedir, command: deps.command, fs: deps.fs });
  }
  return createElectronLoginItem({ electron: deps.electron, command: deps.command, os: deps.os });
}
