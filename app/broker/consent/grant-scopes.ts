/**
 * Which scopes a Grant asks for: a group's user-consentable scopes (admin-only ones need an admin),
 * the configured API's scope on its own (Entra issues a token for one resource per request, so it is
 * never mixed with Graph scopes), or the explicit scopes of `graph-bridge consent <scope…>`.
 */
import { userConsentableScopes, type ToolGroup } from '../../shared/tool-groups.ts';
import type { Result } from '../../shared/result.ts';
import type { BrokerConfig } from '../broker-config.ts';

export type GrantTarget = { group: ToolGroup } | { scopes: string[] };

const badRequest = (message: string): Result<never> => ({ ok: false, error: { code: 'BAD_REQUEST', message } });

export function grantScopesFor(target: GrantTarget, config: Pick<BrokerConfig, 'api' | 'readOnly'>): Result<string[]> {
  if (!('group' in target)) {
    return target.scopes.length === 0
      ? badRequest('Name at least one scope to grant.')
      : { ok: true, value: target.scopes };
  }
  if (target.group === 'api') {
    if (config.api === null) {
      return badRequest(
        'No API is configured for the api group: set "api": {"baseUrl": "https://…", "scope": "api://…/access_as_user"} in settings.json (or in the status window), then grant again.',
      );
    }
    return { ok: true, value: [config.api.scope] };
  }
  const scopes = userConsentableScopes(target.group, config.readOnly);
  return scopes.length === 0
    ? badRequest('That group needs no Graph scopes; nothing to grant.')
    : { ok: true, value: scopes };
}
