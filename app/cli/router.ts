/**
 * `graph-bridge <command> [args]`: the command table, `--help` and `--version`. No side effects:
 * main.ts builds the real CliDeps and calls runCli.
 */
import type { AuthFactory } from './auth-factory.ts';
import { EXIT, usageError } from './command.ts';
import type { CliDeps, CommandSpec } from './command.ts';
import { createAgentCommand } from './commands/agent.ts';
import { createLoginCommand, createLogoutCommand, createUseCommand } from './commands/account.ts';
import { createStatusCommand } from './commands/status.ts';
import {
  createApprovalsCommand,
  createAuditCommand,
  createClientsCommand,
  createConsentCommand,
  createPauseCommand,
} from './commands/manage.ts';
import { connectCommand, disconnectCommand } from './commands/connect.ts';
import { createSettingsCommand } from './commands/settings.ts';
import { extractHome, withHome } from './profile.ts';

export interface RouterOptions {
  authFactory: AuthFactory;
  /** Extra or replacement commands (tests). */
  commands?: CommandSpec[];
}

export function buildCommands(options: RouterOptions): CommandSpec[] {
  const f = options.authFactory;
  const base = [
    createAgentCommand(f),
    createLoginCommand(f),
    createLogoutCommand(f),
    createUseCommand(f),
    createStatusCommand(f),
    createConsentCommand(f),
    createClientsCommand(f),
    createApprovalsCommand(f),
    createPauseCommand(f, true),
    createPauseCommand(f, false),
    createAuditCommand(),
    createSettingsCommand(f),
    connectCommand,
    disconnectCommand,
  ];
  const extra = options.commands ?? [];
  return [...base.filter((c) => !extra.some((e) => e.name === c.name)), ...extra];
}

export function usage(commands: readonly CommandSpec[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: graph-bridge [--home <dir>] <command> [options]',
    '',
    'Lets AI editors use Microsoft 365 (Microsoft Graph) as you, through a local broker that keeps your tokens.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "graph-bridge <command> --help" for a command\'s options. "graph-bridge --version" prints the version.',
    '--home <dir> (any command) uses the profile in <dir>, like GRAPH_BRIDGE_HOME=<dir>.',
  ].join('\n');
}

export async function runCli(rawArgv: string[], rawDeps: CliDeps, options: RouterOptions): Promise<number> {
  const commands = buildCommands(options);
  const home = extractHome(rawArgv);
  if (!home.ok) return usageError(rawDeps, home.message, usage(commands));
  const deps = home.home === undefined ? rawDeps : withHome(rawDeps, home.home);
  const [name, ...rest] = home.argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    deps.stdout.write(`${usage(commands)}\n`);
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === '--version' || name === '-v') {
    deps.stdout.write(`${deps.version}\n`);
    return EXIT.OK;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) return usageError(deps, `unknown command "${name}".`, usage(commands));
  try {
    return await command.run(rest, deps);
  } catch (e) {
    deps.stderr.write(
      `graph-bridge ${name}: unexpected error: ${e instanceof Error ? e.message : String(e)}\n` +
        'This is a bug; please report it with the log from the state dir (see "graph-bridge status").\n',
    );
    return EXIT.FAILURE;
  }
}
