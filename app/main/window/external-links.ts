/**
 * The only links the app opens in the user's browser. The window names a TARGET
 * (`external:open {target}`), never a URL; main builds the URL here from settings and then checks it
 * against an allow-list of https origins (the configured authority, the cloud's Entra portal and the
 * device-login page Entra handed us) before calling shell.openExternal.
 */
import type { CloudName } from '../../shared/clouds.ts';
import type { ExternalTarget, WindowError } from '../../shared/window-contract.ts';
import type { Result } from '../../shared/result.ts';
import { ENTRA_REDIRECT_URI } from './settings-port.ts';

/** Where app registrations are managed, per national cloud (a custom cloud uses the global portal). */
export const ENTRA_PORTALS: Readonly<Record<CloudName, string>> = {
  global: 'https://entra.microsoft.com/',
  usgov: 'https://portal.azure.us/',
  'usgov-dod': 'https://portal.azure.us/',
  china: 'https://portal.azure.cn/',
};

export function portalFor(cloud: CloudName | 'custom'): string {
  return cloud === 'custom' ? ENTRA_PORTALS.global : ENTRA_PORTALS[cloud];
}

export interface LinkContext {
  /** Entra portal origin for the configured cloud (see portalFor). */
  portal: string;
  /** Authority origin from the settings, e.g. `https://login.microsoftonline.com`. */
  authorityHost: string;
  /** Graph base URL from the settings; scopes are qualified with it for admin consent. */
  graphBaseUrl: string;
  tenant: string;
  clientId: string;
  /** Graph scopes the enabled groups need but the account has not been granted. */
  missingScopes: readonly string[];
  /** verificationUri of the device-code prompt in progress, if any. */
  deviceLoginUrl: string | null;
}

function withSlash(base: string): string {
  return base.endsWith('/') ? base : `${base}/`;
}

export function adminConsentUrl(ctx: LinkContext): string {
  const resource = withSlash(ctx.graphBaseUrl);
  const scopes = ctx.missingScopes.length > 0 ? ctx.missingScopes : ['User.Read'];
  const url = new URL(`${encodeURIComponent(ctx.tenant)}/v2.0/adminconsent`, withSlash(ctx.authorityHost));
  url.searchParams.set('client_id', ctx.clientId);
  url.searchParams.set('scope', scopes.map((s) => `${resource}${s}`).join(' '));
  url.searchParams.set('redirect_uri', ENTRA_REDIRECT_URI);
  return url.toString();
}

/** Builds the URL for a target, or null when it cannot be built (e.g. no device login in progress). */
export function buildExternalUrl(target: ExternalTarget, ctx: LinkContext): string | null {
  switch (target) {
    case 'entra-portal':
      return new URL('#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade', ctx.portal).toString();
    case 'admin-consent':
      return ctx.clientId === '' ? null : adminConsentUrl(ctx);
    case 'device-login':
      return ctx.deviceLoginUrl;
  }
}

/** Origins we ever open: https only, and only these hosts. */
export function allowedOrigins(ctx: LinkContext): Set<string> {
  const origins = [ctx.portal, ctx.authorityHost, ...(ctx.deviceLoginUrl === null ? [] : [ctx.deviceLoginUrl])];
  const out = new Set<string>();
  for (const o of origins) {
    try {
      const u = new URL(o);
      if (u.protocol === 'https:') out.add(u.origin);
    } catch {
      // not a URL: never allowed
    }
  }
  return out;
}

export function isAllowedExternalUrl(url: string, ctx: LinkContext): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.username === '' && u.password === '' && allowedOrigins(ctx).has(u.origin);
  } catch {
    return false;
  }
}

/** Why a built link is not opened, and what to check (the address comes from the sign-in settings). */
function refusedLinkMessage(url: string): string {
  let origin = 'that address';
  try {
    origin = new URL(url).origin;
  } catch {
    // keep the generic wording
  }
  return `Graph Bridge opens only https addresses of your cloud's sign-in and portal hosts, and ${origin} is not one. Check the authority (or cloud) in Settings.`;
}

export interface ExternalOpenerDeps {
  /** shell.openExternal in production. */
  openExternal(url: string): Promise<void>;
  context(): LinkContext;
}

export function createExternalOpener(deps: ExternalOpenerDeps) {
  return async (target: ExternalTarget): Promise<Result<null, WindowError>> => {
    const ctx = deps.context();
    const url = buildExternalUrl(target, ctx);
    if (url === null) {
      const message =
        target === 'device-login'
          ? 'No code sign-in is in progress. Choose "Sign in with a code…" first.'
          : 'Set the client ID in Settings first.';
      return { ok: false, error: { code: 'NOT_AVAILABLE', message } };
    }
    if (!isAllowedExternalUrl(url, ctx)) {
      return { ok: false, error: { code: 'LINK_REFUSED', message: refusedLinkMessage(url) } };
    }
    await deps.openExternal(url);
    return { ok: true, value: null };
  };
}
