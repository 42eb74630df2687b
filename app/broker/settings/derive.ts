/**
 * Values derived from settings that MSAL and the Graph client need: the authority URL,
 * `knownAuthorities` (host WITH port for a non-Microsoft host, so MSAL never goes off-box for
 * instance discovery), the Graph base URL, and the hostname the Graph client must treat as Graph
 * (`customHosts`). Pure.
 */
import { CLOUDS, MICROSOFT_AUTHORITY_HOSTS, withTrailingSlash, withoutTrailingSlash } from '../../shared/clouds.ts';
import type { Settings } from './settings-schema.ts';

export interface EndpointConfig {
  /** e.g. `https://login.microsoftonline.com/organizations` */
  authority: string;
  /** `[]` for Microsoft hosts; `['localhost:8443']` for others. */
  knownAuthorities: string[];
  /** With a trailing slash. */
  graphBaseUrl: string;
  /** Hostnames (no port) the Graph client must attach the bearer token to, beyond its built-in list. */
  graphCustomHosts: string[];
  /** Authority host[:port], e.g. `login.microsoftonline.com` — MSAL's `account.environment`. */
  authorityHostPort: string;
}

const GRAPH_HOSTS = new Set([
  'graph.microsoft.com',
  'graph.microsoft.us',
  'dod-graph.microsoft.us',
  'graph.microsoft.de',
  'microsoftgraph.chinacloudapi.cn',
  'canary.graph.microsoft.com',
]);

export function deriveEndpoints(settings: Settings): EndpointConfig {
  const cloud = typeof settings.cloud === 'string' ? CLOUDS[settings.cloud] : settings.cloud;
  const authority = withoutTrailingSlash(
    settings.authority ?? `${withoutTrailingSlash(cloud.authorityHost)}/${settings.tenant}`,
  );
  const authorityUrl = new URL(authority);
  const knownAuthorities = MICROSOFT_AUTHORITY_HOSTS.has(authorityUrl.hostname.toLowerCase())
    ? []
    : [authorityUrl.host];
  const graphBaseUrl = withTrailingSlash(cloud.graphBaseUrl);
  const graphHost = new URL(graphBaseUrl).hostname.toLowerCase();
  return {
    authority,
    knownAuthorities,
    graphBaseUrl,
    graphCustomHosts: GRAPH_HOSTS.has(graphHost) ? [] : [graphHost],
    authorityHostPort: authorityUrl.host,
  };
}
