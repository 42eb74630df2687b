/**
 * `graph-bridge settings [show|get|set]`: settings.json from the terminal, with the status window's
 * validation and messages (app/broker/admin/settings-control.ts). With Graph Bridge running the change
 * goes through its admin channel and applies at once; a change that loosens access asks for the code
 * Graph Bridge shows (and needs a person at this terminal). With none running, only a tightening is
 * written to the file.
 */
import type { SettingChange, SettingsSnapshot } from '../../broker/admin-protocol.ts';
import { createSettingsControl } from '../../broker/admin/settings-control.ts';
import { TOOL_GROUPS } from '../../shared/tool-groups.ts';
import { parseCommandArgs } from '../args.ts';
import type { AuthFactory } from '../auth-factory.ts';
import { reportResult, withBroker } from '../broker-access.ts';
import { EXIT, usageError } from '../command.ts';
import type { CliDeps, CommandSpec } from '../command.ts';
import { callConfirmed, NEEDS_A_PERSON } from '../confirm.ts';
import { cliCommand } from '../invocation.ts';
import { escapeControls } from '../../shared/terminal-safe.ts';
import type { AdminClient } from '../admin-client.ts';

const USAGE = `Usage: graph-bridge settings [show] [--json]
       graph-bridge settings get <key>
       graph-bridge settings set <key> <value>

Reads and changes settings.json (the same checks as the Graph Bridge window). Keys include:
  toolGroups                      ${TOOL_GROUPS.join(',')} — a list, or +group / -group
  readOnly                        true | false
  approvalPolicy.writes.default   ask | allow | deny
  approvalPolicy.writes.tools.<tool>   ask | allow | deny
  approvalPolicy.clients          ask | allow
  allowPlaintextCache, useBroker  true | false
  tenant, clientId, cloud, authority, extraCaFile, api
Values are text, or JSON for objects and lists; null clears a nullable key.

While Graph Bridge runs, a change applies at once — sign-in settings too: Graph Bridge restarts its
sign-in in place and says whether you are still signed in. A change that loosens access (read-only off, a tool
group enabled, a policy moved towards allow, …) needs you at a terminal: you are asked for the code
Graph Bridge shows in its window or in the terminal running the agent. With Graph Bridge not running,
only changes that tighten access are saved.`;

const BOOLEAN_KEYS = new Set(['readOnly', 'useBroker', 'allowPlaintextCache']);

function parseBool(text: string): boolean | string {
  const t = text.trim().toLowerCase();
  if (['true', 'on', 'yes', '1'].includes(t)) return true;
  if (['false', 'off', 'no', '0'].includes(t)) return false;
  return text;
}

/** The JSON value `text` stands for at `key` (validation happens in the broker's settings control). */
export function parseSettingValue(
  key: string,
  text: string,
  current: SettingsSnapshot['settings'],
): { ok: true; value: SettingChange['value'] } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (trimmed === 'null') return { ok: true, value: null };
  if (key === 'toolGroups' && /^[+-]/.test(trimmed)) {
    const groups = new Set<string>(current.toolGroups);
    for (const part of trimmed.split(',').map((p) => p.trim())) {
      const name = part.slice(1);
      if (part.startsWith('+')) groups.add(name);
      else if (part.startsWith('-')) groups.delete(name);
      else return { ok: false, message: `toolGroups: write every entry as +group or -group, not "${part}".` };
    }
    return { ok: true, value: [...groups] };
  }
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { ok: true, value: JSON.parse(trimmed) as SettingChange['value'] };
    } catch (e) {
      return {
        ok: false,
        message: `${key}: the value is not valid JSON (${e instanceof Error ? e.message : String(e)}).`,
      };
    }
  }
  if (key === 'toolGroups')
    return {
      ok: true,
      value: trimmed
        .split(',')
        .map((g) => g.trim())
        .filter((g) => g !== ''),
    };
  if (BOOLEAN_KEYS.has(key)) return { ok: true, value: parseBool(trimmed) };
  return { ok: true, value: text };
}

function valueAt(root: unknown, key: string): { found: boolean; value: unknown } {
  let cur: unknown = root;
  for (const part of key.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, part)) {
      return { found: false, value: undefined };
    }
    cur = (cur as Record<string, unknown>)[part];
  }
  return { found: true, value: cur };
}

function flatten(value: unknown, prefix: string, out: [string, unknown][]): void {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
  } else out.push([prefix, value]);
}

function show(value: unknown): string {
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(', ');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function printSnapshot(deps: CliDeps, snap: SettingsSnapshot, json: boolean): number {
  if (json) {
    deps.stdout.write(`${JSON.stringify(snap, null, 2)}\n`);
    return EXIT.OK;
  }
  const rows: [string, unknown][] = [];
  flatten(snap.settings, '', rows);
  const width = Math.max(...rows.map(([k]) => k.length));
  deps.stdout.write(`Settings (${snap.path}):\n`);
  for (const [key, value] of rows) {
    const variable = snap.envOverrides[key.split('.')[0] ?? ''];
    deps.stdout.write(
      `  ${key.padEnd(width)}  ${show(value)}${variable === undefined ? '' : `  (from ${variable})`}\n`,
    );
  }
  return EXIT.OK;
}

async function setRunning(deps: CliDeps, admin: AdminClient, key: string, text: string): Promise<number> {
  const current = await admin.call('settings.get', {});
  if (!current.ok) return reportResult(deps, current);
  const value = parseSettingValue(key, text, current.value.settings);
  if (!value.ok) return usageError(deps, value.message, USAGE);
  const changes = [{ key, value: value.value }];
  const r = deps.terminal.interactive
    ? await callConfirmed(deps, admin, 'settings.update', { changes })
    : await admin.call('settings.update', { changes, onlyIfTightening: true });
  if (r === null) {
    deps.stderr.write('graph-bridge: cancelled; nothing was changed.\n');
    return EXIT.FAILURE;
  }
  if (!r.ok) {
    if (r.error.code === 'CONFIRMATION_REQUIRED' && !deps.terminal.interactive) {
      deps.stderr.write(`graph-bridge: ${r.error.message} So ${NEEDS_A_PERSON}\n`);
      return EXIT.FAILURE;
    }
    return reportResult(deps, r);
  }
  deps.stdout.write(`${key} = ${show(valueAt(r.value.snapshot.settings, key).value)} (applied).\n`);
  if (r.value.note !== null) deps.stdout.write(`${escapeControls(r.value.note)}\n`);
  if (r.value.signIn?.account === null) {
    deps.stdout.write(`Sign in with: ${cliCommand(deps, 'login')} (add --device-code to sign in on another device)\n`);
  }
  return EXIT.OK;
}

async function setLocal(deps: CliDeps, key: string, text: string): Promise<number> {
  const control = createSettingsControl({ configDir: deps.platform.paths.configDir, env: deps.env });
  const current = await control.view();
  if (!current.ok) return reportResult(deps, current);
  const value = parseSettingValue(key, text, current.value.settings);
  if (!value.ok) return usageError(deps, value.message, USAGE);
  const plan = await control.plan([{ key, value: value.value }]);
  if (!plan.ok) return reportResult(deps, plan);
  if (plan.value.loosening.length > 0) {
    deps.stderr.write(
      `graph-bridge: this change loosens access (${plan.value.loosening.join('; ')}), so Graph Bridge must be ` +
        `running to show you a confirmation code. Open the Graph Bridge app, or run in a terminal of your own: ` +
        `${cliCommand(deps, 'agent')} — then run this command again (or change it in the Graph Bridge window).\n`,
    );
    return EXIT.FAILURE;
  }
  const saved = await control.commit(plan.value);
  if (!saved.ok) return reportResult(deps, saved);
  deps.stdout.write(
    `${key} = ${show(valueAt(saved.value.snapshot.settings, key).value)} (saved; Graph Bridge uses it when it starts).\n`,
  );
  return EXIT.OK;
}

export function createSettingsCommand(authFactory: AuthFactory): CommandSpec {
  return {
    name: 'settings',
    summary: 'Show or change settings (tool groups, read-only, approval policies)',
    async run(argv, deps) {
      // `set <key> <value>`: the value is taken verbatim (so "-teams" is a value, not an option).
      const verbatim = argv[0] === 'set' && argv.length >= 3 ? argv[2] : undefined;
      const rawArgs = verbatim === undefined ? argv : [...argv.slice(0, 2), ...argv.slice(3)];
      const args = parseCommandArgs(rawArgs, { json: { type: 'boolean' } });
      if (!args.ok) return usageError(deps, args.message, USAGE);
      if (args.values.help === true) return (deps.stdout.write(`${USAGE}\n`), EXIT.OK);
      const [sub = 'show', key, ...more] = args.positionals;
      const text = verbatim ?? more[0];
      const rest = verbatim === undefined ? more.slice(1) : more;
      const local = createSettingsControl({ configDir: deps.platform.paths.configDir, env: deps.env });
      const view = async (admin: AdminClient | null) =>
        admin === null ? local.view() : admin.call('settings.get', {});
      if (sub === 'show' || sub === 'get') {
        if (sub === 'show' && key !== undefined) return usageError(deps, 'settings show takes no key.', USAGE);
        if (sub === 'get' && (key === undefined || text !== undefined))
          return usageError(deps, 'settings get needs exactly one key.', USAGE);
        const print = async (admin: AdminClient | null): Promise<number> => {
          const snap = await view(admin);
          if (!snap.ok) return reportResult(deps, snap);
          if (key === undefined) return printSnapshot(deps, snap.value, args.values.json === true);
          const found = valueAt(snap.value.settings, key);
          if (!found.found) {
            deps.stderr.write(`graph-bridge: there is no setting "${key}" (see: settings show).\n`);
            return EXIT.FAILURE;
          }
          deps.stdout.write(args.values.json === true ? `${JSON.stringify(found.value)}\n` : `${show(found.value)}\n`);
          return EXIT.OK;
        };
        return withBroker(deps, authFactory, { running: (admin) => print(admin), absent: () => print(null) });
      }
      if (sub !== 'set') return usageError(deps, `unknown settings command "${sub}".`, USAGE);
      if (key === undefined || text === undefined || rest.length > 0)
        return usageError(deps, 'settings set needs a key and a value.', USAGE);
      return withBroker(deps, authFactory, {
        running: (admin) => setRunning(deps, admin, key, text),
        absent: () => setLocal(deps, key, text),
      });
    },
  };
}
