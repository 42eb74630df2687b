/** `graph-bridge login | logout | use`: account commands (running broker first, else in-process). */
import type { AccountSummary } from '../../shared/bridge-contract.ts';
import type { Result } from '../../shared/result.ts';
import { parseCommandArgs } from '../args.ts';
import { reportResult, withBroker } from '../broker-access.ts';
import { EXIT, usageError } from '../command.ts';
import type { CliDeps, CommandSpec } from '../command.ts';
import type { AuthFactory } from '../auth-factory.ts';
import {
  followSignIn,
  printBrowserEvent,
  printCancelled,
  printDeviceCode,
  unlessCancelled,
  type SignInOutput,
} from '../sign-in-output.ts';
import { describeAccount } from './agent.ts';
import { cliCommand } from '../invocation.ts';

const LOGIN_USAGE = `Usage: graph-bridge login [--device-code] [--login-hint <user@domain>]

Signs in to Microsoft Entra ID. Opens your browser by default and prints the sign-in URL too;
--device-code prints a code and a URL to enter on any device instead (use it when this computer
has no browser, e.g. over SSH). Ctrl-C cancels; an unfinished browser sign-in stops after
signInTimeoutSeconds (settings.json, default 600).`;
const LOGOUT_USAGE = `Usage: graph-bridge logout [account]

Signs out (default: the active account; else the username or home account id shown by
"graph-bridge status"): removes it from the token cache and the OS keychain.`;
const USE_USAGE = `Usage: graph-bridge use <account>

Makes <account> (username or home account id, see "graph-bridge status") the active account.`;

const loginOutput = (deps: CliDeps): SignInOutput => ({
  deviceCodeCommand: cliCommand(deps, 'login', '--device-code'),
});

function signedIn(deps: CliDeps, r: Result<AccountSummary> | 'cancelled', browser: boolean): number {
  if (r === 'cancelled' || deps.signal.aborted) {
    printCancelled(deps);
    return EXIT.FAILURE;
  }
  if (!r.ok) {
    reportResult(deps, r);
    if (browser && r.error.code === 'INTERACTION_REQUIRED')
      deps.stderr.write(`To sign in without a browser on this computer, run: ${loginOutput(deps).deviceCodeCommand}\n`);
    return EXIT.FAILURE;
  }
  deps.stdout.write(`Signed in as ${describeAccount(r.value)}.\n`);
  return EXIT.OK;
}

export function createLoginCommand(authFactory: AuthFactory): CommandSpec {
  return {
    name: 'login',
    summary: 'Sign in (browser, or --device-code)',
    async run(argv, deps) {
      const args = parseCommandArgs(argv, { 'device-code': { type: 'boolean' }, 'login-hint': { type: 'string' } });
      if (!args.ok) return usageError(deps, args.message, LOGIN_USAGE);
      if (args.values.help === true) return (deps.stdout.write(`${LOGIN_USAGE}\n`), EXIT.OK);
      if (args.positionals.length > 0) return usageError(deps, 'login takes no arguments.', LOGIN_USAGE);
      const deviceCode = args.values['device-code'] === true;
      const hint = args.values['login-hint'];
      if (!deviceCode) deps.stdout.write('Opening your browser to sign in (Ctrl-C cancels)…\n');
      return withBroker(deps, authFactory, {
        async running(admin) {
          followSignIn(deps, admin, loginOutput(deps));
          const params = { deviceCode, ...(hint === undefined ? {} : { loginHint: hint }) };
          return signedIn(deps, await unlessCancelled(deps, () => admin.call('login', params)), !deviceCode);
        },
        async local(host) {
          const base = { signal: deps.signal, ...(hint === undefined ? {} : { loginHint: hint }) };
          const r = deviceCode
            ? await host.broker.signInWithDeviceCode({ ...base, onCode: (p) => printDeviceCode(deps, p) })
            : await host.broker.signIn({ ...base, onBrowser: (e) => printBrowserEvent(deps, e, loginOutput(deps)) });
          return signedIn(deps, r, !deviceCode);
        },
      });
    },
  };
}

export function createLogoutCommand(authFactory: AuthFactory): CommandSpec {
  return {
    name: 'logout',
    summary: 'Sign out and remove the account from the keychain',
    async run(argv, deps) {
      const args = parseCommandArgs(argv, {});
      if (!args.ok) return usageError(deps, args.message, LOGOUT_USAGE);
      if (args.values.help === true) return (deps.stdout.write(`${LOGOUT_USAGE}\n`), EXIT.OK);
      if (args.positionals.length > 1) return usageError(deps, 'logout takes at most one account.', LOGOUT_USAGE);
      const account = args.positionals[0];
      const done = (r: Result<unknown>): number => {
        if (!r.ok) return reportResult(deps, r);
        deps.stdout.write(
          `Signed out${account === undefined ? '' : ` ${account}`}. Bridges keep tokens they already hold until they expire (at most about an hour).\n`,
        );
        return EXIT.OK;
      };
      return withBroker(deps, authFactory, {
        running: async (admin) => done(await admin.call('logout', account === undefined ? {} : { account })),
        local: async (host) => done(await host.broker.signOut(account)),
      });
    },
  };
}

export function createUseCommand(authFactory: AuthFactory): CommandSpec {
  return {
    name: 'use',
    summary: 'Switch the active account',
    async run(argv, deps) {
      const args = parseCommandArgs(argv, {});
      if (!args.ok) return usageError(deps, args.message, USE_USAGE);
      if (args.values.help === true) return (deps.stdout.write(`${USE_USAGE}\n`), EXIT.OK);
      const account = args.positionals[0];
      if (account === undefined || args.positionals.length > 1)
        return usageError(deps, 'use needs exactly one account.', USE_USAGE);
      const done = (r: Result<AccountSummary>): number => {
        if (!r.ok) return reportResult(deps, r);
        deps.stdout.write(`Now using ${describeAccount(r.value)}.\n`);
        return EXIT.OK;
      };
      return withBroker(deps, authFactory, {
        running: async (admin) => done(await admin.call('use', { account })),
        local: async (host) => done(await host.broker.useAccount(account)),
      });
    },
  };
}
