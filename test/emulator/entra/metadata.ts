/** openid-configuration (§4.1), JWKS (§4.2) and instance discovery (§4.3). */
import type { ServerResponse } from 'node:http';
import { sendJson } from '../http.ts';
import { toJwk } from '../jwt.ts';
import { type EntraContext, sendAadError, TENANT_ALIASES } from './context.ts';

export function openIdConfiguration(ctx: EntraContext, tenantSegment: string): Record<string, unknown> {
  const base = `${ctx.origin}/${tenantSegment}`;
  const isAlias = (TENANT_ALIASES as readonly string[]).includes(tenantSegment.toLowerCase());
  const graphHost = new URL(ctx.graphOrigin).host;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${ctx.origin}/${isAlias ? '{tenantid}' : ctx.tenantId}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${ctx.graphOrigin}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'NA',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: graphHost,
    rbac_url: 'https://pas.windows.net',
  };
}

export function sendOpenIdConfiguration(ctx: EntraContext, res: ServerResponse, tenantSegment: string): void {
  sendJson(res, 200, openIdConfiguration(ctx, tenantSegment), { 'Cache-Control': 'max-age=86400, private' });
}

export function sendJwks(ctx: EntraContext, res: ServerResponse): void {
  sendJson(res, 200, { keys: ctx.keys.map(toJwk) }, { 'Cache-Control': 'max-age=86400, private' });
}

export function sendInstanceDiscovery(ctx: EntraContext, res: ServerResponse): void {
  const host = new URL(ctx.origin).host;
  sendJson(res, 200, {
    tenant_discovery_endpoint: `${ctx.origin}/${ctx.tenantId}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}

export function sendUnknownTenant(ctx: EntraContext, res: ServerResponse, tenantSegment: string): void {
  sendAadError(ctx, res, 400, { error: 'invalid_tenant', code: 90002, vars: { tenant: tenantSegment } });
}
