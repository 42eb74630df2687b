/**
 * `graph-bridge consent | clients | approvals | pause | resume | audit`: the user's decisions about
 * scopes, editors and writes, sent to the running broker over the admin channel (or applied
 * in-process when the command can work without one).
 */
import { TOOL_GROUPS } from '../../shared/tool-groups.ts';
import type { BrokerStatus } from '../../shared/bridge-contract.ts';
import type { Result } from '../../shared/result.ts';
import type { ToolGroup } from '../../shared/tool-groups.ts';
import { parseCommandArgs } from '../args.ts';
import { needsRunningBroker, reportResult, withBroker } from '../broker-access.ts';
import { callConfirmed, requireTerminal } from '../confirm.ts';
import { cliCommand } from '../invocation.ts';
import { EXIT, usageError } from '../command.ts';
import type { CliDeps, CommandSpec } from '../command.ts';
import type { AuthFactory } from '../auth-factory.ts';
import { createAuditLog } from '../../broker/audit/audit-log.ts';
import { escapeControls, printable, terminalJson } from '../../shared/terminal-safe.ts';
import {
  followSignIn,
  printBrowserEvent,
  printCancelled,
  printDeviceCode,
  unlessCancelled,
} from '../sign-in-output.ts';
import { join } from 'node:path';

const CONSENT_USAGE = `Usage: graph-bridge consent [--device-code] <group|scope>…

Grants Microsoft Graph permissions (incremental consent). Opens your browser and prints the sign-in
URL too; --device-code prints a code and a URL to enter on any device instead.
Groups: ${TOOL_GROUPS.join(', ')}. Anything else is taken as a scope, e.g. Mail.Send.`;
const CLIENTS_USAGE = `Usage: graph-bridge clients list [--json]
       graph-bridge clients approve <id>
       graph-bridge clients deny <id>
       graph-bridge clients forget <id>

Editors (MCP clients) must be approved before they can use your account. An editor connected with
"graph-bridge connect" is known by its id (cursor, vscode, …) and its approval is remembered; any other
client is a "session-<n>" that lasts one connection. Approving needs you at a terminal: you are asked for
the code Graph Bridge shows in its window (or in the terminal running the agent).`;
const APPROVALS_USAGE = `Usage: graph-bridge approvals                    list pending write approvals
       graph-bridge approvals allow [--always] <id>
       graph-bridge approvals deny <id>

Allowing needs you at a terminal: you are asked for the code Graph Bridge shows in its window (or in the
terminal running the agent).`;
const PAUSE_USAGE = `Usage: graph-bridge pause | resume

Pause stops the broker handing out tokens and approving writes until you resume. Resuming needs you at a
terminal: you are asked for the code Graph Bridge shows in its window (or in the terminal running the agent).`;
const AUDIT_USAGE = `Usage: graph-bridge audit [--client <name>] [--tool <tool>] [--limit <n>] [--json]

Shows the Graph calls made on your behalf (no bodies, no tokens).`;

const isGroup = (x: string): x is ToolGroup => (TOOL_GROUPS as readonly string[]).includes(x);

function helpOr(deps: CliDeps, help: boolean | undefined, usage: string): number | null {
  if (help !== true) return null;
  deps.stdout.write(`${usage}\n`);
  return EXIT.OK;
}

export function createConsentCommand(authFactory: AuthFactory): CommandSpec {
  return {
    name: 'consent',
    summary: 'Grant Graph permissions for a tool group or scopes',
    async run(argv, deps) {
      const args = parseCommandArgs(argv, { 'device-code': { type: 'boolean' } });
      if (!args.ok) return usageError(deps, args.message, CONSENT_USAGE);
      const h = helpOr(deps, args.values.help, CONSENT_USAGE);
      if (h !== null) return h;
      if (args.positionals.length === 0) return usageError(deps, 'name at least one group or scope.', CONSENT_USAGE);
      const deviceCode = args.values['device-code'] === true;
      const out = {
        deviceCodeCommand: cliCommand(deps, 'consent', '--device-code', ...args.positionals),
      };
      const groups = args.positionals.filter(isGroup);
      const scopes = args.positionals.filter((x) => !isGroup(x));
      const targets: ({ group: ToolGroup } | { scopes: string[] })[] = [
        ...groups.map((group) => ({ group })),
        ...(scopes.length > 0 ? [{ scopes }] : []),
      ];
      if (!deviceCode) deps.stdout.write('Opening your browser to grant the permissions (Ctrl-C cancels)…\n');
      const apply = async (
        grant: (t: (typeof targets)[number]) => Promise<Result<string[]> | 'cancelled'>,
      ): Promise<number> => {
        for (const t of targets) {
          const r = await grant(t);
          if (r === 'cancelled' || deps.signal.aborted) {
            printCancelled(deps, 'sign-in cancelled; nothing more was granted');
            return EXIT.FAILURE;
          }
          if (!r.ok) {
            reportResult(deps, r);
            if (!deviceCode && r.error.code === 'INTERACTION_REQUIRED')
              deps.stderr.write(`To do this without a browser on this computer, run: ${out.deviceCodeCommand}\n`);
            return EXIT.FAILURE;
          }
          deps.stdout.write(`Granted. Scopes now: ${escapeControls(r.value.join(' '))}\n`);
        }
        return EXIT.OK;
      };
      return withBroker(deps, authFactory, {
        running: (admin) => {
          followSignIn(deps, admin, out);
          // deviceCode only when asked: a running broker from before it existed still takes the call.
          const params = (t: (typeof targets)[number]) => ({ ...t, ...(deviceCode ? { deviceCode } : {}) });
          return apply((t) => unlessCancelled(deps, () => admin.call('consent.grant', params(t))));
        },
        local: (host) =>
          apply((t) =>
            host.broker.grantConsent(t, {
              signal: deps.signal,
              ...(deviceCode
                ? { onDeviceCode: (p) => printDeviceCode(deps, p) }
                : { onBrowser: (e) => printBrowserEvent(deps, e, out) }),
            }),
          ),
      });
    },
  };
}

type ClientRow = BrokerStatus['clients'][number];

function printClients(deps: CliDeps, clients: ClientRow[], json: boolean): number {
  if (json) {
    deps.stdout.write(`${terminalJson(clients)}\n`);
    return EXIT.OK;
  }
  if (clients.length === 0) {
    deps.stdout.write('No clients yet. Editors appear here after they first connect.\n');
    return EXIT.OK;
  }
  for (const c of clients) {
    deps.stdout.write(
      `${c.id}\t${printable(c.name, 100)}\t${c.approval}\tconnected ${c.connected}\tcalls ${c.calls}\tlast seen ${c.lastSeen}\n`,
    );
  }
  if (clients.some((c) => !c.remembered)) {
    deps.stdout.write(
      `\nsession-… clients were not started from an editor entry written by connect, so a decision lasts only for\n` +
        `that connection. Connect the editor to remember it: ${cliCommand(deps, 'connect', '<editor>')}\n`,
    );
  }
  return EXIT.OK;
}

export function createClientsCommand(authFactory: AuthFactory): CommandSpec {
  return {
    name: 'clients',
    summary: 'List, approve or deny editors that use Graph Bridge',
    async run(argv, deps) {
      const args = parseCommandArgs(argv, { json: { type: 'boolean' } });
      if (!args.ok) return usageError(deps, args.message, CLIENTS_USAGE);
      const h = helpOr(deps, args.values.help, CLIENTS_USAGE);
      if (h !== null) return h;
      const [sub = 'list', id, ...rest] = args.positionals;
      if (sub === 'list') {
        if (id !== undefined) return usageError(deps, 'clients list takes no id.', CLIENTS_USAGE);
        const json = args.values.json === true;
        return withBroker(deps, authFactory, {
          running: async (admin) => {
            const r = await admin.call('status', {});
            return r.ok ? printClients(deps, r.value.status.clients, json) : reportResult(deps, r);
          },
          local: (host) => printClients(deps, host.broker.status().clients, json),
        });
      }
      const decisions = { approve: 'approve', deny: 'deny', forget: 'revoke' } as const;
      if (!Object.hasOwn(decisions, sub)) return usageError(deps, `unknown clients command "${sub}".`, CLIENTS_USAGE);
      if (id === undefined || rest.length > 0)
        return usageError(deps, `clients ${sub} needs exactly one id (see: clients list).`, CLIENTS_USAGE);
      const decision = decisions[sub as keyof typeof decisions];
      const done = (r: { ok: true } | { ok: false; error: { message: string } } | null): number => {
        if (r === null) return cancelled(deps);
        if (!r.ok) return reportResult(deps, r);
        deps.stdout.write(
          `${escapeControls(id)}: ${sub === 'forget' ? 'forgotten (it will ask again)' : `${decision === 'approve' ? 'approved' : 'denied'}`}.\n`,
        );
        return EXIT.OK;
      };
      if (decision === 'approve') {
        const refused = requireTerminal(deps);
        if (refused !== null) return refused;
        return withBroker(deps, authFactory, {
          running: async (admin) => done(await callConfirmed(deps, admin, 'clients.decide', { id, decision })),
          absent: () => needsRunningBroker(deps, 'approve an editor'),
        });
      }
      return withBroker(deps, authFactory, {
        running: async (admin) => done(await admin.call('clients.decide', { id, decision })),
        local: (host) => done(host.broker.decideClient(id, decision)),
      });
    },
  };
}

function cancelled(deps: CliDeps): number {
  deps.stderr.write('graph-bridge: cancelled; nothing was changed.\n');
  return EXIT.FAILURE;
}

export function createApprovalsCommand(authFactory: AuthFactory): CommandSpec {
  return {
    name: 'approvals',
    summary: 'List or decide pending write approvals',
    async run(argv, deps) {
      const args = parseCommandArgs(argv, { always: { type: 'boolean' }, json: { type: 'boolean' } });
      if (!args.ok) return usageError(deps, args.message, APPROVALS_USAGE);
      const h = helpOr(deps, args.values.help, APPROVALS_USAGE);
      if (h !== null) return h;
      const [sub, id, ...rest] = args.positionals;
      if (sub === undefined || sub === 'list') {
        return withBroker(deps, authFactory, {
          running: async (admin) => {
            const r = await admin.call('status', {});
            if (!r.ok) return reportResult(deps, r);
            const list = r.value.status.pendingApprovals;
            if (args.values.json === true) deps.stdout.write(`${terminalJson(list)}\n`);
            else if (list.length === 0) deps.stdout.write('No pending approvals.\n');
            else
              for (const a of list) {
                deps.stdout.write(`[${a.id}] ${printable(a.client, 100)} / ${a.tool}: ${printable(a.summary, 1000)}\n`);
                for (const [k, v] of Object.entries(a.details))
                  deps.stdout.write(`    ${printable(k, 100)}: ${printable(v, 2000)}\n`);
              }
            return EXIT.OK;
          },
        });
      }
      if (sub !== 'allow' && sub !== 'deny')
        return usageError(deps, `unknown approvals command "${sub}".`, APPROVALS_USAGE);
      if (id === undefined || rest.length > 0)
        return usageError(deps, `approvals ${sub} needs exactly one id.`, APPROVALS_USAGE);
      const decision = sub === 'deny' ? 'deny' : args.values.always === true ? 'allow-always' : 'allow-once';
      if (decision !== 'deny') {
        const refused = requireTerminal(deps);
        if (refused !== null) return refused;
      }
      return withBroker(deps, authFactory, {
        running: async (admin) => {
          const r =
            decision === 'deny'
              ? await admin.call('approvals.decide', { id, decision })
              : await callConfirmed(deps, admin, 'approvals.decide', { id, decision });
          if (r === null) return cancelled(deps);
          if (!r.ok) return reportResult(deps, r);
          deps.stdout.write(`${escapeControls(id)}: ${decision}.\n`);
          return EXIT.OK;
        },
      });
    },
  };
}

export function createPauseCommand(authFactory: AuthFactory, paused: boolean): CommandSpec {
  return {
    name: paused ? 'pause' : 'resume',
    summary: paused ? 'Pause all access to your account' : 'Resume access after pause',
    async run(argv, deps) {
      const args = parseCommandArgs(argv, {});
      if (!args.ok) return usageError(deps, args.message, PAUSE_USAGE);
      const h = helpOr(deps, args.values.help, PAUSE_USAGE);
      if (h !== null) return h;
      if (args.positionals.length > 0) return usageError(deps, 'no arguments expected.', PAUSE_USAGE);
      if (!paused) {
        const refused = requireTerminal(deps);
        if (refused !== null) return refused;
      }
      return withBroker(deps, authFactory, {
        running: async (admin) => {
          const r = paused
            ? await admin.call('pause', { paused })
            : await callConfirmed(deps, admin, 'pause', { paused });
          if (r === null) return cancelled(deps);
          if (!r.ok) return reportResult(deps, r);
          deps.stdout.write(
            paused
              ? `Access paused. Resume it in the Graph Bridge window, or with: ${cliCommand(deps, 'resume')}\n`
              : 'Access resumed.\n',
          );
          return EXIT.OK;
        },
      });
    },
  };
}

export function createAuditCommand(): CommandSpec {
  return {
    name: 'audit',
    summary: 'Show the audit trail of Graph calls',
    async run(argv, deps) {
      const args = parseCommandArgs(argv, {
        client: { type: 'string' },
        tool: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
      });
      if (!args.ok) return usageError(deps, args.message, AUDIT_USAGE);
      const h = helpOr(deps, args.values.help, AUDIT_USAGE);
      if (h !== null) return h;
      const limit = args.values.limit === undefined ? 50 : Number(args.values.limit);
      if (!Number.isInteger(limit) || limit <= 0)
        return usageError(deps, '--limit must be a positive integer.', AUDIT_USAGE);
      const log = createAuditLog({ filePath: join(deps.platform.paths.stateDir, 'audit.jsonl') });
      const entries = await log.query({
        limit,
        ...(args.values.client === undefined ? {} : { client: args.values.client }),
        ...(args.values.tool === undefined ? {} : { tool: args.values.tool }),
      });
      if (args.values.json === true) deps.stdout.write(`${terminalJson(entries)}\n`);
      else if (entries.length === 0) deps.stdout.write(`No audit entries in ${log.path()}.\n`);
      else
        for (const e of entries) {
          deps.stdout.write(
            `${escapeControls(`${e.time}  ${e.client}  ${e.tool}  ${e.method} ${e.pathTemplate} -> ${e.status} (${e.durationMs} ms)`)}\n`,
          );
        }
      return EXIT.OK;
    },
  };
}
