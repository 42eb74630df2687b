/**
 * How to write a `graph-bridge …` command that works when pasted as printed into a fresh terminal —
 * which starts in the home folder, not this checkout, so `npx graph-bridge` would not resolve there:
 *
 * - `graph-bridge` when that name on PATH is this very CLI (npm link / a global install),
 *   else the absolute node (or app executable) and the absolute cli.js;
 * - `--home <dir>` whenever this process runs in a non-default profile (GRAPH_BRIDGE_HOME / --home), so
 *   the command talks to the same broker and files.
 */
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { OsKind } from '../platform/platform.ts';
import type { CliDeps } from './command.ts';

export type InvocationDeps = Pick<CliDeps, 'env' | 'execPath' | 'bridgeEntry'> & { platform: { os: OsKind } };

/** Resolves a path's symlinks; null when it does not exist. */
type Realpath = (path: string) => string | null;

const defaultRealpath: Realpath = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return realpathSync(path);
  } catch {
    return null;
  }
};

/** Quotes one argument for the user's shell (POSIX sh, or cmd/PowerShell on Windows) when needed. */
export function shellQuote(arg: string, os: OsKind): string {
  if (/^[A-Za-z0-9_/.:=@%+,-]+$/.test(arg)) return arg;
  if (os === 'win32') return `"${arg.replace(/"/g, '""')}"`;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The argv prefix that runs this CLI from anywhere. */
export function cliArgv(deps: InvocationDeps, realpath: Realpath = defaultRealpath): string[] {
  const cliEntry = join(dirname(deps.bridgeEntry), 'cli.js');
  const ours = realpath(cliEntry);
  const names = deps.platform.os === 'win32' ? ['graph-bridge.cmd', 'graph-bridge.exe'] : ['graph-bridge'];
  for (const dir of (deps.env.PATH ?? deps.env.Path ?? '').split(delimiter)) {
    if (dir === '' || ours === null) continue;
    for (const name of names) {
      const found = realpath(join(dir, name));
      // A wrapper script (Windows .cmd) cannot be compared; only a link to this cli.js counts.
      if (found !== null && found === ours) return ['graph-bridge'];
    }
  }
  return [deps.execPath, cliEntry];
}

/** `graph-bridge [--home <dir>]` (or its absolute equivalent), ready to be followed by a subcommand. */
export function cliInvocation(deps: InvocationDeps, realpath?: Realpath): string {
  const argv = cliArgv(deps, realpath);
  const home = deps.env.GRAPH_BRIDGE_HOME;
  const profile = home !== undefined && home !== '' ? ['--home', home] : [];
  const prefix = deps.env.ELECTRON_RUN_AS_NODE === '1' && argv[0] !== 'graph-bridge' ? 'ELECTRON_RUN_AS_NODE=1 ' : '';
  return prefix + [...argv, ...profile].map((a) => shellQuote(a, deps.platform.os)).join(' ');
}

/** A full command line: `cliCommand(deps, 'clients', 'list')`. */
export function cliCommand(deps: InvocationDeps, ...args: string[]): string {
  return [cliInvocation(deps), ...args.map((a) => shellQuote(a, deps.platform.os))].join(' ');
}
