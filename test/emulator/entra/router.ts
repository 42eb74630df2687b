/** Routes a request on the Entra origin to its endpoint (§3). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, isFormRequest, parseForm, sendHtml, sendJson } from '../http.ts';
import { handleAuthorize, handleConsentPost, handleDeviceLogin, handleLoginPost, handleLogout } from './authorize.ts';
import { type EntraContext, resolveTenant } from './context.ts';
import { handleDeviceCode } from './device.ts';
import { sendInstanceDiscovery, sendJwks, sendOpenIdConfiguration, sendUnknownTenant } from './metadata.ts';
import { handleToken } from './token.ts';
import { errorPage } from './pages.ts';

export interface EntraRequest {
  url: URL;
  body: Buffer;
}

function notFound(res: ServerResponse, path: string): void {
  sendJson(res, 404, { error: 'not_found', error_description: `No Entra endpoint at ${path}` });
}

export function routeEntra(ctx: EntraContext, req: IncomingMessage, res: ServerResponse, input: EntraRequest): void {
  const method = req.method ?? 'GET';
  const path = input.url.pathname;
  const query = Object.fromEntries(input.url.searchParams);
  const form = isFormRequest(req) ? parseForm(input.body) : {};
  const segments = path.split('/').filter(Boolean);
  const [first = '', ...rest] = segments;

  switch (first) {
    case 'login':
      return method === 'POST' ? handleLoginPost(ctx, req, res, form) : notFound(res, path);
    case 'consent':
      return method === 'POST' ? handleConsentPost(ctx, req, res, form) : notFound(res, path);
    case 'devicelogin':
      return handleDeviceLogin(ctx, req, res, method === 'POST' ? form : undefined);
    case 'error':
      return sendHtml(
        res,
        200,
        errorPage(`AADSTS${escapeHtml(query.code ?? '')}`, 'See the error description returned with this link.'),
      );
    default:
      break;
  }

  const tail = rest.join('/');
  if (tail === 'discovery/instance') return sendInstanceDiscovery(ctx, res);
  const tenantId = resolveTenant(ctx, first);
  const isMetadata = tail === 'v2.0/.well-known/openid-configuration' || tail === '.well-known/openid-configuration';
  if (!tenantId) return isMetadata ? sendUnknownTenant(ctx, res, first) : notFound(res, path);

  if (isMetadata && method === 'GET') return sendOpenIdConfiguration(ctx, res, first);
  switch (tail) {
    case 'discovery/v2.0/keys':
    case 'discovery/keys':
      return sendJwks(ctx, res);
    case 'oauth2/v2.0/authorize':
      return handleAuthorize(ctx, req, res, { tenantSegment: first, params: method === 'POST' ? form : query });
    case 'oauth2/v2.0/token':
      return method === 'POST' ? handleToken(ctx, res, { form, query }) : notFound(res, path);
    case 'oauth2/v2.0/devicecode':
      return method === 'POST' ? handleDeviceCode(ctx, res, form) : notFound(res, path);
    case 'oauth2/v2.0/logout':
      return handleLogout(ctx, req, res, query);
    default:
      return notFound(res, path);
  }
}
