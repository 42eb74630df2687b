/**
 * What the broker's settings allow a bridge session: the broker is the authority, a bridge's own
 * flags (--tools, --read-only) can only narrow this. Pure functions over the BrokerConfig.
 *
 * Scopes (`token.get`), per requested scope, case-insensitively:
 *  1. the configured API's scope (`api.scope`): allowed when the `api` group is enabled;
 *  2. a scope a dedicated group lists (GROUP_SCOPES: profile, mail, calendar, files, teams, tasks, and
 *     `graph`'s own User.Read): allowed when an enabled group lists it for the current mode; refused
 *     READ_ONLY when only a group's write scopes list it and read-only is on, GROUP_DISABLED when
 *     every group that lists it is off — also for graph_request, so turning `mail` off keeps
 *     Mail.Read away from the generic tool too;
 *  3. any other scope is graph_request's free choice: allowed when `graph` is enabled and it is a
 *     delegated Graph permission name (`Contacts.Read`; no URL, no `.default`, no OpenID scope) —
 *     in read-only mode only a read permission (`<Resource>.Read…` or `<Resource>.ReadBasic…`).
 *
 * Write approvals (`approval.request`): refused when read-only, or when the tool's group (from the
 * catalog the session declared) is off. Entra may put more scopes in a token than were asked for
 * (it issues every consented scope of the resource), so this approval refusal — not the scope check —
 * is what stops a write in read-only mode.
 */
import { TOOL_GROUPS, scopesForGroup } from '../../shared/tool-groups.ts';
import { fail } from '../../shared/result.ts';
import type { Result } from '../../shared/result.ts';
import type { ToolGroup } from '../../shared/tool-groups.ts';
import type { BrokerConfig } from '../broker-config.ts';

export type SessionPolicyConfig = Pick<BrokerConfig, 'toolGroups' | 'readOnly' | 'api'>;

const GRAPH_PERMISSION = /^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$/;
const READ_PERMISSION = /^[^.]+\.read(basic)?(\.|$)/i;
const OPENID_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

/** What the user must do, in words the model may read: never a command that grants access. */
const ENABLE_GROUP = (group: ToolGroup): string =>
  `The user can turn the "${group}" tool group on in the Graph Bridge window (tray icon → Settings → Tool groups).`;
const READ_ONLY_REMEDY =
  'Graph Bridge is set to read-only. The user can turn read-only off in the Graph Bridge window (tray icon → Settings).';

export function groupDisabled(group: ToolGroup, what: string): Result<never> {
  return fail(
    'GROUP_DISABLED',
    `The ${group} tools are turned off in Graph Bridge, so ${what}. ${ENABLE_GROUP(group)}`,
  );
}

export function readOnlyRefusal(what: string): Result<never> {
  return fail('READ_ONLY', `${what}: ${READ_ONLY_REMEDY}`);
}

/** Dedicated groups that list `scope` in either mode (graph lists only User.Read; api lists none). */
function owners(scope: string): ToolGroup[] {
  const s = scope.toLowerCase();
  return TOOL_GROUPS.filter((g) => scopesForGroup(g, false).some((x) => x.toLowerCase() === s));
}

function checkScope(scope: string, cfg: SessionPolicyConfig): Result<never> | null {
  const s = scope.toLowerCase();
  const enabled = (g: ToolGroup): boolean => cfg.toolGroups.includes(g);
  if (cfg.api !== null && cfg.api.scope.toLowerCase() === s) {
    return enabled('api') ? null : groupDisabled('api', `no token for ${scope} is issued`);
  }
  const listedBy = owners(scope);
  if (listedBy.length > 0) {
    const on = listedBy.filter(enabled);
    if (on.some((g) => scopesForGroup(g, cfg.readOnly).some((x) => x.toLowerCase() === s))) return null;
    if (on.length > 0) return readOnlyRefusal(`No token with the write permission ${scope} is issued`);
    return groupDisabled(listedBy[0] ?? 'graph', `no token for ${scope} is issued`);
  }
  if (!enabled('graph'))
    return groupDisabled('graph', `no token for ${scope} (a free-form Graph permission) is issued`);
  if (!GRAPH_PERMISSION.test(scope) || s.endsWith('.default') || OPENID_SCOPES.has(s)) {
    return fail(
      'BAD_REQUEST',
      `"${scope}" is not a delegated Microsoft Graph permission name such as Contacts.Read, so no token is issued for it.`,
    );
  }
  if (cfg.readOnly && !READ_PERMISSION.test(scope)) {
    return readOnlyRefusal(`No token with the write permission ${scope} is issued`);
  }
  return null;
}

/** The first refusal among `scopes`, or null when every scope may be issued. */
export function refuseScopes(scopes: readonly string[], cfg: SessionPolicyConfig): Result<never> | null {
  for (const scope of scopes) {
    const refusal = checkScope(scope, cfg);
    if (refusal !== null) return refusal;
  }
  return null;
}

/** Refusal of a write approval for `tool` (in `group`), or null when the settings allow asking. */
export function refuseWrite(tool: string, group: ToolGroup, cfg: SessionPolicyConfig): Result<never> | null {
  if (!cfg.toolGroups.includes(group)) return groupDisabled(group, `"${tool}" cannot run; nothing was sent`);
  if (cfg.readOnly) return readOnlyRefusal(`"${tool}" cannot write; nothing was sent`);
  return null;
}
