/**
 * `graph-bridge <command> [args]`: the command table, `--help` and `--version`. No side effects:
 * main.ts builds the real CliDeps and calls runCli.
 *
 * Start-up cost is the product here (docs/broker.md "CLI start-up"): the table holds each command's
 * name and summary, and its module is imported only when that command runs. So `--help` and
 * `--version` load no command, zod, MSAL or keychain module; `status` and `connect` load theirs
 * (zod, the admin client), and only commands that sign in or read the cache load MSAL and keytar
 * (through the AuthFactory, app/cli/auth-factory.ts).
 */
import type { AuthFactory } from './auth-factory.ts';
import { EXIT, usageError } from './command.ts';
import type { CliDeps, CommandSpec } from './command.ts';
import { extractHome } from './home-option.ts';

export interface RouterOptions {
  authFactory: AuthFactory;
  /** Extra or replacement commands (tests). */
  commands?: CommandSpec[];
}

/** What `--help` needs about a command without loading it; `load` imports its module on first use. */
export interface CommandEntry {
  name: string;
  summary: string;
  load(authFactory: AuthFactory): Promise<CommandSpec>;
}

const manage = () => import('./commands/manage.ts');
const account = () => import('./commands/account.ts');
const connect = () => import('./commands/connect.ts');

export const COMMAND_TABLE: readonly CommandEntry[] = [
  {
    name: 'agent',
    summary: 'Run the broker headless in this terminal (Ctrl-C stops it)',
    load: async (f) => (await import('./commands/agent.ts')).createAgentCommand(f),
  },
  {
    name: 'login',
    summary: 'Sign in (browser, or --device-code)',
    load: async (f) => (await account()).createLoginCommand(f),
  },
  {
    name: 'logout',
    summary: 'Sign out and remove the account from the keychain',
    load: async (f) => (await account()).createLogoutCommand(f),
  },
  { name: 'use', summary: 'Switch the active account', load: async (f) => (await account()).createUseCommand(f) },
  {
    name: 'status',
    summary: 'Show account, token cache, scopes, clients and pending approvals',
    load: async (f) => (await import('./commands/status.ts')).createStatusCommand(f),
  },
  {
    name: 'consent',
    summary: 'Grant Graph permissions for a tool group or scopes',
    load: async (f) => (await manage()).createConsentCommand(f),
  },
  {
    name: 'clients',
    summary: 'List, approve or deny editors that use Graph Bridge',
    load: async (f) => (await manage()).createClientsCommand(f),
  },
  {
    name: 'approvals',
    summary: 'List or decide pending write approvals',
    load: async (f) => (await manage()).createApprovalsCommand(f),
  },
  {
    name: 'pause',
    summary: 'Pause all access to your account',
    load: async (f) => (await manage()).createPauseCommand(f, true),
  },
  {
    name: 'resume',
    summary: 'Resume access after pause',
    load: async (f) => (await manage()).createPauseCommand(f, false),
  },
  {
    name: 'audit',
    summary: 'Show the audit trail of Graph calls',
    load: async () => (await manage()).createAuditCommand(),
  },
  {
    name: 'settings',
    summary: 'Show or change settings (tool groups, read-only, approval policies)',
    load: async (f) => (await import('./commands/settings.ts')).createSettingsCommand(f),
  },
  {
    name: 'connect',
    summary: 'Add Graph Bridge to an editor (Claude, Cursor, VS Code, Windsurf, Zed); --list shows them all',
    load: async () => (await connect()).connectCommand,
  },
  {
    name: 'disconnect',
    summary: "Remove Graph Bridge from an editor's MCP config",
    load: async () => (await connect()).disconnectCommand,
  },
];

/** A CommandSpec whose module is imported the first time it runs. */
function lazyCommand(entry: CommandEntry, authFactory: AuthFactory): CommandSpec {
  let loaded: Promise<CommandSpec> | undefined;
  return {
    name: entry.name,
    summary: entry.summary,
    run: async (argv, deps) => (await (loaded ??= entry.load(authFactory))).run(argv, deps),
  };
}

export function buildCommands(options: RouterOptions): CommandSpec[] {
  const base = COMMAND_TABLE.map((entry) => lazyCommand(entry, options.authFactory));
  const extra = options.commands ?? [];
  return [...base.filter((c) => !extra.some((e) => e.name === c.name)), ...extra];
}

export function usage(commands: readonly Pick<CommandSpec, 'name' | 'summary'>[]): string {
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

/**
 * Answers what needs no command and no CliDeps beyond the terminal — `--help`, `--version`, no
 * command, an unknown command — and returns its exit code, or null when a command must run. main.ts
 * calls it before it builds the platform (which loads zod), runCli again for callers that did not.
 */
export function answerWithoutCommand(
  argv: readonly string[],
  io: Pick<CliDeps, 'stdout' | 'stderr' | 'version'>,
  commands: readonly Pick<CommandSpec, 'name' | 'summary'>[] = COMMAND_TABLE,
): number | null {
  const [name] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${usage(commands)}\n`);
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${io.version}\n`);
    return EXIT.OK;
  }
  if (!commands.some((c) => c.name === name)) return usageError(io, `unknown command "${name}".`, usage(commands));
  return null;
}

export async function runCli(rawArgv: string[], rawDeps: CliDeps, options: RouterOptions): Promise<number> {
  const commands = buildCommands(options);
  const home = extractHome(rawArgv);
  if (!home.ok) return usageError(rawDeps, home.message, usage(commands));
  const argv = home.argv;
  const answered = answerWithoutCommand(argv, rawDeps, commands);
  if (answered !== null) return answered;
  const deps = home.home === undefined ? rawDeps : (await import('./profile.ts')).withHome(rawDeps, home.home);
  const [name = '', ...rest] = argv;
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
