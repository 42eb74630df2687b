/**
 * Opens a URL in the user's default browser without a shell: the URL is one argv element, never
 * part of a command string, so `&`, `;` or quotes in it cannot run anything.
 *
 * A launch counts as failed when the launcher cannot be started or exits non-zero (`xdg-open` exits 3
 * when no browser is set up, `open` exits 1 when nothing handles the URL). A launcher still running
 * after `launchWaitMs` is taken as a browser starting (xdg-open can stay in the foreground with it).
 */
import { spawn as nodeSpawn, type SpawnOptions } from 'node:child_process';
import type { OsKind } from './paths.ts';

export interface BrowserCommand {
  command: string;
  args: string[];
}

/**
 * The launcher per OS. Windows uses `rundll32 url.dll,FileProtocolHandler` rather than `cmd /c start`,
 * because cmd.exe re-parses its arguments and treats `&` in a query string as a command separator.
 */
export function browserCommand(os: OsKind, url: string): BrowserCommand {
  switch (os) {
    case 'darwin':
      return { command: 'open', args: [url] };
    case 'win32':
      return { command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] };
    case 'linux':
      return { command: 'xdg-open', args: [url] };
  }
}

/** The part of a ChildProcess the launcher uses. */
export interface LaunchedProcess {
  once(event: 'error', listener: (err: Error) => void): unknown;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  unref(): void;
}

export type SpawnFn = (command: string, args: readonly string[], options: SpawnOptions) => LaunchedProcess;

export interface OpenBrowserOptions {
  /** How long to wait for the launcher to exit before assuming the browser is starting (default 5 s). */
  launchWaitMs?: number;
}

/** The browser could not be opened; `message` says why and that the URL can be opened by hand. */
export class BrowserLaunchError extends Error {
  override readonly name = 'BrowserLaunchError';
}

/** Only web URLs are handed to the OS launcher (a `file:` or custom scheme could start programs). */
export function assertWebUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('Refusing to open a malformed URL in the browser.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error(`Refusing to open a ${parsed.protocol} URL in the browser; only http(s) is allowed.`);
  }
}

/** xdg-utils exit codes (xdg-open(1)); other launchers only ever say "non-zero". */
const XDG_EXIT_MEANING: Readonly<Record<number, string>> = {
  1: 'bad command line',
  2: 'a file it needs does not exist',
  3: 'no web browser is installed or set up',
  4: 'the browser failed to start',
};

export function describeLauncherExit(command: string, code: number | null, signal: string | null): string {
  if (code === null) return `${command} was stopped by ${signal ?? 'a signal'}`;
  const meaning = command === 'xdg-open' ? XDG_EXIT_MEANING[code] : undefined;
  return `${command} exited with code ${code}${meaning === undefined ? '' : `: ${meaning}`}`;
}

export function createOpenBrowser(
  os: OsKind,
  spawn: SpawnFn = nodeSpawn,
  options: OpenBrowserOptions = {},
): (url: string) => Promise<void> {
  const launchWaitMs = options.launchWaitMs ?? 5000;
  return (url: string) =>
    new Promise<void>((resolve, reject) => {
      try {
        assertWebUrl(url);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      const { command, args } = browserCommand(os, url);
      let settled = false;
      const settle = (failure?: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (failure === undefined) resolve();
        else reject(new BrowserLaunchError(`Could not open a browser (${failure}).`));
      };
      const timer = setTimeout(() => settle(), launchWaitMs);
      const child = spawn(command, args, { stdio: 'ignore', detached: true, shell: false, windowsHide: true });
      child.once('error', (err) => settle(`${command} could not be started: ${err.message}`));
      child.once('exit', (code, signal) =>
        settle(code === 0 ? undefined : describeLauncherExit(command, code, signal)),
      );
      child.unref();
    });
}
