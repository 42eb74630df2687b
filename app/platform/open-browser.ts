/**
 * Opens a URL in the user's default browser without a shell: the URL is one argv element, never
 * part of a command string, so `&`, `;` or quotes in it cannot run anything.
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

export type SpawnFn = (
  command: string,
  args: readonly string[],
  options: SpawnOptions,
) => { once(event: 'error', listener: (err: Error) => void): unknown; unref(): void };

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

export function createOpenBrowser(os: OsKind, spawn: SpawnFn = nodeSpawn): (url: string) => Promise<void> {
  return (url: string) =>
    new Promise<void>((resolve, reject) => {
      try {
        assertWebUrl(url);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      const { command, args } = browserCommand(os, url);
      const child = spawn(command, args, { stdio: 'ignore', detached: true, shell: false, windowsHide: true });
      let settled = false;
      child.once('error', (err) => {
        if (settled) return;
        settled = true;
        reject(new Error(`Could not start ${command} to open the browser (${err.message}). Open the URL yourself.`));
      });
      child.unref();
      // A launcher that fails to spawn reports 'error' on the next tick; give it that tick.
      setImmediate(() => {
        if (settled) return;
        settled = true;
        resolve();
      });
    });
}
