/**
 * National clouds: each is an Entra authority host + Microsoft Graph base URL pair. A `custom` cloud
 * (any https authority host and Graph URL, e.g. the test emulator) is pure configuration — production
 * code never knows which one it talks to.
 */
export const CLOUD_NAMES = ['global', 'usgov', 'usgov-dod', 'china'] as const;
export type CloudName = (typeof CLOUD_NAMES)[number];

export interface CloudEndpoints {
  /** Origin of the Entra authority, no trailing slash: `https://login.microsoftonline.com`. */
  authorityHost: string;
  /** Graph base URL with a trailing slash: `https://graph.microsoft.com/`. */
  graphBaseUrl: string;
}

export const CLOUDS: Readonly<Record<CloudName, CloudEndpoints>> = {
  global: { authorityHost: 'https://login.microsoftonline.com', graphBaseUrl: 'https://graph.microsoft.com/' },
  usgov: { authorityHost: 'https://login.microsoftonline.us', graphBaseUrl: 'https://graph.microsoft.us/' },
  'usgov-dod': { authorityHost: 'https://login.microsoftonline.us', graphBaseUrl: 'https://dod-graph.microsoft.us/' },
  china: { authorityHost: 'https://login.chinacloudapi.cn', graphBaseUrl: 'https://microsoftgraph.chinacloudapi.cn/' },
};

/**
 * Entra hosts MSAL knows (it resolves them through instance discovery); any other host must be
 * listed in `knownAuthorities` WITH its port, or MSAL calls login.microsoftonline.com to discover it.
 */
export const MICROSOFT_AUTHORITY_HOSTS: ReadonlySet<string> = new Set([
  'login.microsoftonline.com',
  'login.windows.net',
  'login.microsoft.com',
  'sts.windows.net',
  'login.microsoftonline.us',
  'login.usgovcloudapi.net',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
]);

export function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

export function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
