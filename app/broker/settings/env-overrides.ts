/**
 * Environment variables that override settings.json (CI, the demo, managed machines). Values are
 * validated like the file's; a bad value is reported with the variable's name.
 *
 * | variable                              | settings key          | value                                   |
 * |---------------------------------------|-----------------------|-----------------------------------------|
 * | GRAPH_BRIDGE_CLIENT_ID                | clientId              | application (client) ID GUID            |
 * | GRAPH_BRIDGE_TENANT                   | tenant                | GUID, domain, organizations/common/consumers |
 * | GRAPH_BRIDGE_CLOUD                    | cloud                 | global, usgov, usgov-dod, china         |
 * | GRAPH_BRIDGE_AUTHORITY                | authority             | https authority URL (host[:port]/tenant) |
 * | GRAPH_BRIDGE_GRAPH_URL                | cloud.graphBaseUrl    | https Graph base URL (makes the cloud custom, authority host taken from GRAPH_BRIDGE_AUTHORITY or the cloud) |
 * | GRAPH_BRIDGE_CA_FILE                  | extraCaFile           | PEM file of extra trusted CAs           |
 * | GRAPH_BRIDGE_USE_BROKER               | useBroker             | 1/0, true/false                         |
 * | GRAPH_BRIDGE_ALLOW_PLAINTEXT_CACHE    | allowPlaintextCache   | 1/0, true/false                         |
 */
import { CLOUDS, withoutTrailingSlash, type CloudName } from '../../shared/clouds.ts';

export const SETTINGS_ENV = {
  clientId: 'GRAPH_BRIDGE_CLIENT_ID',
  tenant: 'GRAPH_BRIDGE_TENANT',
  cloud: 'GRAPH_BRIDGE_CLOUD',
  authority: 'GRAPH_BRIDGE_AUTHORITY',
  graphUrl: 'GRAPH_BRIDGE_GRAPH_URL',
  extraCaFile: 'GRAPH_BRIDGE_CA_FILE',
  useBroker: 'GRAPH_BRIDGE_USE_BROKER',
  allowPlaintextCache: 'GRAPH_BRIDGE_ALLOW_PLAINTEXT_CACHE',
} as const;

function set(v: string | undefined): v is string {
  return v !== undefined && v.trim() !== '';
}

/** "1"/"true"/"yes"/"on" → true, "0"/"false"/"no"/"off" → false; anything else stays a string (and fails validation). */
function parseBool(v: string): boolean | string {
  const s = v.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off'].includes(s)) return false;
  return v;
}

export interface EnvOverlay {
  /** The raw settings with environment values applied (still unvalidated). */
  raw: Record<string, unknown>;
  /** Settings key → the variable that set it (for error messages and `status`). */
  origins: Record<string, string>;
}

export function applyEnvOverrides(
  fileRaw: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): EnvOverlay {
  const raw: Record<string, unknown> = { ...fileRaw };
  const origins: Record<string, string> = {};
  const put = (key: string, variable: string, value: unknown) => {
    raw[key] = value;
    origins[key] = variable;
  };
  const e = (name: string) => env[name];
  const clientId = e(SETTINGS_ENV.clientId);
  if (set(clientId)) put('clientId', SETTINGS_ENV.clientId, clientId.trim());
  const tenant = e(SETTINGS_ENV.tenant);
  if (set(tenant)) put('tenant', SETTINGS_ENV.tenant, tenant.trim());
  const cloud = e(SETTINGS_ENV.cloud);
  if (set(cloud)) put('cloud', SETTINGS_ENV.cloud, cloud.trim());
  const authority = e(SETTINGS_ENV.authority);
  if (set(authority)) put('authority', SETTINGS_ENV.authority, authority.trim());
  const graphUrl = e(SETTINGS_ENV.graphUrl);
  if (set(graphUrl)) {
    // A Graph URL alone makes the cloud custom; its authority host comes from the authority
    // override when given, else from the named cloud.
    const current = raw.cloud;
    let authorityHost: string = CLOUDS.global.authorityHost;
    if (typeof current === 'string' && current in CLOUDS) authorityHost = CLOUDS[current as CloudName].authorityHost;
    else if (current !== null && typeof current === 'object' && 'authorityHost' in current)
      authorityHost = String(current.authorityHost);
    if (typeof raw.authority === 'string') {
      try {
        authorityHost = new URL(raw.authority).origin;
      } catch {
        // left to validation of `authority`
      }
    }
    put('cloud', SETTINGS_ENV.graphUrl, {
      authorityHost: withoutTrailingSlash(authorityHost),
      graphBaseUrl: graphUrl.trim(),
    });
  }
  const ca = e(SETTINGS_ENV.extraCaFile);
  if (set(ca)) put('extraCaFile', SETTINGS_ENV.extraCaFile, ca);
  const broker = e(SETTINGS_ENV.useBroker);
  if (set(broker)) put('useBroker', SETTINGS_ENV.useBroker, parseBool(broker));
  const plain = e(SETTINGS_ENV.allowPlaintextCache);
  if (set(plain)) put('allowPlaintextCache', SETTINGS_ENV.allowPlaintextCache, parseBool(plain));
  return { raw, origins };
}
