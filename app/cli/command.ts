/**
 * The contract every `graph-bridge` subcommand implements. Commands get everything from the outside
 * world through CliDeps (no process globals), print human output to `stdout`, diagnostics to
 * `stderr`, and resolve to an exit code: 0 ok, 1 failure (with a message saying how to fix it),
 * 2 usage error.
 */
import type { Platform } from '../platform/platform.ts';

export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2 } as const;

export interface TextSink {
  write(text: string): unknown;
}

/** The person at the keyboard, if any: decisions that loosen access need one (see confirm.ts). */
export interface CliTerminal {
  /** stdin is an interactive terminal (not a pipe, a file or /dev/null). */
  interactive: boolean;
  /**
   * stdout is a terminal a person reads (not a pipe, a file or /dev/null — an agent started in the
   * background by an editor's GRAPH_BRIDGE_LAUNCH has none): only then may the agent show a one-time code.
   */
  showsOutput: boolean;
  /** Prints `question` and reads one line typed by the user; null on end of input or Ctrl-C. */
  ask(question: string): Promise<string | null>;
}

export interface CliDeps {
  stdout: TextSink;
  stderr: TextSink;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** OS facts and per-user paths (config/state/log dirs, broker endpoint), from app/platform. */
  platform: Platform;
  /** Package version (package.json). */
  version: string;
  /** Aborted on Ctrl-C (SIGINT) / SIGTERM; long-running commands stop cleanly when it fires. */
  signal: AbortSignal;
  /** Absolute path of the bridge entry the editors should spawn (dist/bridge.js), for `connect`. */
  bridgeEntry: string;
  /** `process.execPath` (node or the Electron binary in node mode), for `connect`. */
  execPath: string;
  terminal: CliTerminal;
}

/** argv excludes the command name itself: `graph-bridge clients approve x` -> runClients(['approve','x'], deps). */
export type CliCommand = (argv: string[], deps: CliDeps) => Promise<number>;

export interface CommandSpec {
  name: string;
  /** One line for `graph-bridge --help`. */
  summary: string;
  run: CliCommand;
}

/** Prints a usage error and returns exit code 2. */
export function usageError(deps: Pick<CliDeps, 'stderr'>, message: string, usage: string): number {
  deps.stderr.write(`graph-bridge: ${message}\n\n${usage}\n`);
  return EXIT.USAGE;
}
