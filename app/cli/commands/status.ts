/** `graph-bridge status [--json]`: the running broker's status, or the local view when none runs. */
import { parseCommandArgs } from '../args.ts';
import { withBroker, reportResult } from '../broker-access.ts';
import { EXIT, usageError } from '../command.ts';
import type { CommandSpec } from '../command.ts';
import type { AuthFactory } from '../auth-factory.ts';
import { formatStatus } from '../format-status.ts';
import { terminalJson } from '../../shared/terminal-safe.ts';
import { cliInvocation } from '../invocation.ts';
import type { StatusView } from '../format-status.ts';
import { noTerminalAdvice } from '../confirm.ts';

const USAGE = `Usage: graph-bridge status [--json]

Shows the signed-in account, tenant, token cache backend, token expiry, granted vs needed scopes,
clients, pending approvals and the IPC endpoint. --json prints the same as one JSON object.`;

export function createStatusCommand(authFactory: AuthFactory): CommandSpec {
  return {
    name: 'status',
    summary: 'Show account, token cache, scopes, clients and pending approvals',
    async run(argv, deps) {
      const args = parseCommandArgs(argv, { json: { type: 'boolean' } });
      if (!args.ok) return usageError(deps, args.message, USAGE);
      if (args.values.help === true) return (deps.stdout.write(`${USAGE}\n`), EXIT.OK);
      if (args.positionals.length > 0) return usageError(deps, 'status takes no arguments.', USAGE);
      const print = (view: StatusView): number => {
        deps.stdout.write(
          args.values.json === true ? `${terminalJson(view)}\n` : formatStatus(view, cliInvocation(deps)),
        );
        return EXIT.OK;
      };
      return withBroker(deps, authFactory, {
        showsCache: true,
        async running(admin) {
          const r = await admin.call('status', {});
          if (!r.ok) return reportResult(deps, r);
          const code = print({ ...r.value, running: true, host: r.value.host });
          if (r.value.showsCodes === false && args.values.json !== true) {
            const then = 'and approve editors and writes from another terminal there.';
            deps.stdout.write(`\n${noTerminalAdvice(deps, r.value.pid, then)}\n`);
          }
          return code;
        },
        local(host) {
          const a = host.broker.adminStatus();
          return print({
            status: a.status,
            neededScopes: a.neededScopes,
            logPath: host.logPath,
            auditPath: a.auditPath,
            running: false,
            host: null,
          });
        },
      });
    },
  };
}
