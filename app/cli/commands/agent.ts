/**
 * `graph-bridge agent`: the headless broker in the foreground (Linux without a tray, SSH, WSL, CI).
 * Prints the endpoint, account and cache backend; Ctrl-C (SIGINT/SIGTERM) stops it cleanly.
 */
import type { AccountSummary } from '../../shared/bridge-contract.ts';
import type { Result } from '../../shared/result.ts';
import type { BrokerCore } from '../../broker/broker.ts';
import { parseCommandArgs } from '../args.ts';
import { errorText } from '../broker-access.ts';
import { EXIT, usageError } from '../command.ts';
import type { CliDeps, CommandSpec } from '../command.ts';
import type { AuthFactory } from '../auth-factory.ts';
import { createHost, type Host } from '../host.ts';
import { escapeControls } from '../../shared/terminal-safe.ts';
import { cliCommand } from '../invocation.ts';
import { withHome } from '../profile.ts';

const USAGE = `Usage: graph-bridge agent [--device-code] [--approvals=ask|none] [--demo]

Runs the Graph Bridge broker in this terminal until Ctrl-C.
  --device-code      if nobody is signed in, sign in with a device code printed here
  --approvals=ask    hold write approvals for "graph-bridge approvals allow|deny <id>" in another
                     terminal (default none: writes need the policy "allow" in settings)
Approving an editor or a write, resuming and loosening settings from another terminal ask for a
one-time code that this agent prints here (never to its log, and only when its output is a terminal:
started in the background or redirected, it shows none): type it there only if you started it.
  --demo             use the demo profile (GRAPH_BRIDGE_HOME defaults to ./.graph-bridge-demo)`;

/** --demo: point GRAPH_BRIDGE_HOME at ./.graph-bridge-demo unless it is already set. */
export function withDemoProfile(deps: CliDeps): CliDeps {
  if (deps.env.GRAPH_BRIDGE_HOME !== undefined && deps.env.GRAPH_BRIDGE_HOME !== '') return deps;
  return withHome(deps, '.graph-bridge-demo');
}

export function describeAccount(a: AccountSummary | null): string {
  return a === null ? 'not signed in' : `${a.username} (tenant ${a.tenantId})`;
}

/**
 * Raises "Sign-in needed" in the agent's terminal when a silent refresh finds that only the user can
 * fix the sign-in (revoked session, MFA or a compliant device required by Conditional Access).
 */
function announceSignInNeeded(broker: BrokerCore, deps: CliDeps): () => void {
  let shown: string | null = null;
  return broker.onStatusChanged((s) => {
    const need = s.signInNeeded;
    if (need === undefined || s.account === null) {
      shown = null;
      return;
    }
    if (shown === need.since) return;
    shown = need.since;
    deps.stdout.write(
      `\nSign-in needed for ${s.account.username}: ${need.reason}.\n` +
        'Editors cannot use Microsoft 365 until you sign in again: run "graph-bridge login" ' +
        '(or "graph-bridge login --device-code") in another terminal.\n',
    );
  });
}

async function deviceCodeSignIn(broker: BrokerCore, deps: CliDeps): Promise<Result<AccountSummary>> {
  return broker.signInWithDeviceCode({
    signal: deps.signal,
    onCode: (p) => deps.stdout.write(`\n${p.message}\n  URL:  ${p.verificationUri}\n  Code: ${p.userCode}\n\n`),
  });
}

interface AgentOptions {
  deviceCode: boolean;
  approvals: 'ask' | 'none';
  demo: boolean;
}

/** The agent's options, or the exit code of a usage error / --help (already printed). */
function agentOptions(argv: string[], deps: CliDeps): AgentOptions | number {
  const args = parseCommandArgs(argv, {
    'device-code': { type: 'boolean' },
    approvals: { type: 'string' },
    demo: { type: 'boolean' },
  });
  if (!args.ok) return usageError(deps, args.message, USAGE);
  if (args.values.help === true) return (deps.stdout.write(`${USAGE}\n`), EXIT.OK);
  if (args.positionals.length > 0) return usageError(deps, 'agent takes no arguments.', USAGE);
  const approvals = args.values.approvals ?? 'none';
  if (approvals !== 'ask' && approvals !== 'none') {
    return usageError(deps, `--approvals must be "ask" or "none", not "${approvals}".`, USAGE);
  }
  return { deviceCode: args.values['device-code'] === true, approvals, demo: args.values.demo === true };
}

/** Builds the broker host and starts it listening; the exit code (after saying why) when it cannot. */
async function startAgent(deps: CliDeps, authFactory: AuthFactory, options: AgentOptions): Promise<Host | number> {
  const host = await createHost(deps, {
    kind: 'agent',
    interactiveApprovals: options.approvals === 'ask',
    authFactory,
    consoleLevel: 'warn',
  });
  if (!host.ok) {
    deps.stderr.write(`graph-bridge: ${host.error.message}\n`);
    return EXIT.FAILURE;
  }
  try {
    await host.value.broker.start();
  } catch (e) {
    deps.stderr.write(`graph-bridge: ${errorText(e)}\n`);
    await host.value.broker.auth.close().catch(() => undefined);
    return EXIT.FAILURE;
  }
  if (!deps.terminal.showsOutput) {
    // Nobody reads this agent's output (started in the background, or redirected): no code is ever made.
    host.value.logger.info(
      'No terminal: confirmation codes are not shown, so approvals and loosening settings cannot be confirmed from the command line.',
    );
  }
  return host.value;
}

function printBanner(deps: CliDeps, host: Host): void {
  const status = host.broker.status();
  deps.stdout.write(
    [
      `Graph Bridge agent ${deps.version} running.`,
      `  Endpoint: ${status.endpoint}`,
      `  Account:  ${describeAccount(status.account)}`,
      `  Cache:    ${status.cache.backend} (${status.cache.detail})`,
      `  Log:      ${host.logPath ?? 'stderr'}`,
      `Press Ctrl-C to stop.`,
    ]
      .map((line) => `${escapeControls(line)}\n`)
      .join(''),
  );
}

/** Nobody signed in: a device-code sign-in here (--device-code), else the command that signs in. */
async function signInIfNeeded(broker: BrokerCore, deps: CliDeps, deviceCode: boolean): Promise<void> {
  if (broker.status().account !== null) return;
  if (!deviceCode) {
    deps.stdout.write(
      `Nobody is signed in: run in another terminal: ${cliCommand(deps, 'login')} (or add --device-code).\n`,
    );
    return;
  }
  const r = await deviceCodeSignIn(broker, deps);
  deps.stdout.write(r.ok ? `Signed in as ${describeAccount(r.value)}.\n` : '');
  if (!r.ok && !deps.signal.aborted) deps.stderr.write(`graph-bridge: sign-in failed: ${r.error.message}\n`);
}

/** Serves until Ctrl-C (the signal), then stops cleanly. */
async function serveUntilStopped(host: Host, deps: CliDeps): Promise<void> {
  const stopAnnouncing = announceSignInNeeded(host.broker, deps);
  if (!deps.signal.aborted) {
    await new Promise<void>((done) => deps.signal.addEventListener('abort', () => done(), { once: true }));
  }
  stopAnnouncing();
  deps.stdout.write('Stopping…\n');
  // host.stop, not broker.stop: a sign-in reload in progress (settings set) finishes first.
  await host.stop();
  deps.stdout.write('Stopped.\n');
}

export function createAgentCommand(authFactory: AuthFactory): CommandSpec {
  return {
    name: 'agent',
    summary: 'Run the broker headless in this terminal (Ctrl-C stops it)',
    async run(argv, rawDeps) {
      const options = agentOptions(argv, rawDeps);
      if (typeof options === 'number') return options;
      const deps = options.demo ? withDemoProfile(rawDeps) : rawDeps;
      const host = await startAgent(deps, authFactory, options);
      if (typeof host === 'number') return host;
      printBanner(deps, host);
      await signInIfNeeded(host.broker, deps, options.deviceCode);
      await serveUntilStopped(host, deps);
      return EXIT.OK;
    },
  };
}
