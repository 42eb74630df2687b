/**
 * Scope parsing and the consent vocabulary (spec §5.5). A scope without a resource prefix means
 * Microsoft Graph; Graph names compare case-insensitively and come back in the request's form.
 * `api://<app id URI>/<scope>` or `<api client id>/<scope>` names a registered custom API.
 */
import type { EmulatorApi } from './fixtures.ts';

export const GRAPH_RESOURCE_URI = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const OIDC_SCOPES: readonly string[] = ['openid', 'profile', 'email', 'offline_access'];

/** Delegated Graph permissions the emulator knows, with the line the consent page shows. */
export const GRAPH_SCOPES: Readonly<Record<string, string>> = {
  'User.Read': 'Sign you in and read your profile',
  'User.ReadWrite': 'Read and update your profile',
  'User.ReadBasic.All': "Read all users' basic profiles",
  'User.Read.All': "Read all users' full profiles",
  'User.ReadWrite.All': "Read and write all users' full profiles",
  'Directory.Read.All': 'Read directory data',
  'Directory.ReadWrite.All': 'Read and write directory data',
  'Group.Read.All': 'Read all groups',
  'GroupMember.Read.All': 'Read group memberships',
  'People.Read': 'Read users you are relevant to',
  'People.Read.All': "Read all users' relevant people lists",
  'Mail.ReadBasic': 'Read basic mail in your mailbox',
  'Mail.Read': 'Read your mail',
  'Mail.ReadWrite': 'Read and write access to your mail',
  'Mail.Send': 'Send mail as you',
  'Mail.Read.Shared': 'Read user and shared mail',
  'Mail.ReadWrite.Shared': 'Read and write user and shared mail',
  'Mail.Send.Shared': 'Send mail on behalf of others',
  'MailboxSettings.Read': 'Read your mailbox settings',
  'MailboxSettings.ReadWrite': 'Read and write your mailbox settings',
  'Calendars.ReadBasic': 'Read basic details of your calendars',
  'Calendars.Read': 'Read your calendars',
  'Calendars.ReadWrite': 'Have full access to your calendars',
  'Calendars.Read.Shared': 'Read user and shared calendars',
  'Calendars.ReadWrite.Shared': 'Read and write user and shared calendars',
  'Contacts.Read': 'Read your contacts',
  'Contacts.ReadWrite': 'Have full access to your contacts',
  'Files.Read': 'Read your files',
  'Files.ReadWrite': 'Have full access to your files',
  'Files.Read.All': 'Read all files that you can access',
  'Files.ReadWrite.All': 'Have full access to all files you have access to',
  'Sites.Read.All': 'Read items in all site collections',
  'Sites.ReadWrite.All': 'Edit or delete items in all site collections',
  'Chat.ReadBasic': 'Read names and members of your chats',
  'Chat.Read': 'Read your chat messages',
  'Chat.ReadWrite': 'Read and write your chat messages',
  'Chat.Create': 'Create chats',
  'ChatMessage.Read': 'Read your chat messages',
  'ChatMessage.Send': 'Send chat messages',
  'Team.ReadBasic.All': 'Read the names and descriptions of teams',
  'TeamSettings.Read.All': 'Read teams settings',
  'Channel.ReadBasic.All': 'Read the names and descriptions of channels',
  'ChannelMessage.Read.All': 'Read user channel messages',
  'ChannelMessage.Send': 'Send channel messages',
  'Tasks.Read': 'Read your tasks and task lists',
  'Tasks.ReadWrite': 'Create, read, update, and delete your tasks and task lists',
  'Presence.Read': 'Read your presence information',
  'Presence.Read.All': 'Read presence information of all users in your organization',
  'Notes.Read': 'Read your OneNote notebooks',
  'Notes.Create': 'Create your OneNote notebooks',
  'Notes.ReadWrite': 'Read and write your OneNote notebooks',
};

/** Permissions only an administrator may consent to. */
export const ADMIN_ONLY_SCOPES: ReadonlySet<string> = new Set([
  'User.Read.All',
  'User.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'Group.Read.All',
  'GroupMember.Read.All',
  'ChannelMessage.Read.All',
  'TeamSettings.Read.All',
]);

const CANONICAL = new Map(Object.keys(GRAPH_SCOPES).map((name) => [name.toLowerCase(), name]));

export function canonicalGraphScope(name: string): string | undefined {
  return CANONICAL.get(name.toLowerCase());
}

export interface ParsedApiScopes {
  /** The registration the scopes belong to. */
  api: EmulatorApi;
  /** Scope values in the registration's spelling (no `.default`). */
  names: string[];
  /** The resource as the request wrote it, with a trailing `/`: `api://…/` or `<client id>/`. */
  prefix: string;
  /** `<resource>/.default` was requested. */
  isDefault: boolean;
}

export interface ParsedScopes {
  /** OIDC scopes present (lower case). */
  oidc: Set<string>;
  /** Canonical Graph permission names (no `.default`). */
  graph: string[];
  /** The request used `https://graph.microsoft.com/X` names. */
  uriForm: boolean;
  /** `https://graph.microsoft.com/.default` was requested. */
  isDefault: boolean;
  /** Scopes of registered custom APIs, one entry per API (request order). */
  apis: ParsedApiScopes[];
}

/**
 * 70011 invalid scope, 700022/28000 more than one resource, 500011 unknown resource (`api://…` that no
 * app registration exposes).
 */
export type ScopeErrorCode = 70011 | 700022 | 28000 | 500011;

export type ScopeParse = { ok: true; scopes: ParsedScopes } | { ok: false; code: ScopeErrorCode; scope: string };

export interface ParseScopeOptions {
  /** Registered custom APIs (without them any `api://…` scope is an unknown resource). */
  apis?: readonly EmulatorApi[];
  /**
   * Token requests (token, devicecode): scopes of more than one resource → AADSTS28000. /authorize
   * accepts several resources (consent for all of them up front) and leaves the check to /token.
   */
  singleResource?: boolean;
}

/** The `error` string Entra sends with a scope problem. */
export function scopeErrorName(code: ScopeErrorCode): string {
  return code === 500011 ? 'invalid_resource' : 'invalid_scope';
}

const GRAPH_PREFIXES = [`${GRAPH_RESOURCE_URI}/`, `${GRAPH_APP_ID}/`];

/** The grant key of an API scope: `<application ID URI>/<value>` (Graph grants use the short name). */
export function apiScopeKey(api: EmulatorApi, value: string): string {
  return `${api.appIdUri}/${value}`;
}

/** Graph grant keys are short names; API grant keys contain the resource URI. */
export function isApiScopeKey(key: string): boolean {
  return key.includes('/');
}

/** Finds the registered API (and the spelling the request used) that `item` starts with. */
function matchApi(apis: readonly EmulatorApi[], item: string): { api: EmulatorApi; prefix: string } | undefined {
  const lower = item.toLowerCase();
  let best: { api: EmulatorApi; prefix: string } | undefined;
  for (const api of apis) {
    for (const resource of [api.appIdUri, api.clientId]) {
      const prefix = `${resource}/`;
      if (lower.startsWith(prefix.toLowerCase()) && prefix.length > (best?.prefix.length ?? 0)) best = { api, prefix };
    }
  }
  return best;
}

/** The resource part of an unknown `resource/scope` item, for AADSTS500011. */
function resourceOf(item: string): string {
  const slash = item.lastIndexOf('/');
  return slash > 0 ? item.slice(0, slash) : item;
}

export function parseScopes(raw: string | undefined, options: ParseScopeOptions = {}): ScopeParse {
  const parsed: ParsedScopes = { oidc: new Set(), graph: [], uriForm: false, isDefault: false, apis: [] };
  const items = (raw ?? '').split(/\s+/).filter((s) => s.length > 0);
  for (const item of items) {
    const lower = item.toLowerCase();
    if (OIDC_SCOPES.includes(lower)) {
      parsed.oidc.add(lower);
      continue;
    }
    let name = item;
    const prefix = GRAPH_PREFIXES.find((p) => lower.startsWith(p));
    if (prefix) {
      name = item.slice(prefix.length);
      parsed.uriForm = true;
    } else if (item.includes('/') || item.includes(':')) {
      const matched = matchApi(options.apis ?? [], item);
      if (!matched) {
        return item.includes('/')
          ? { ok: false, code: 500011, scope: resourceOf(item) }
          : { ok: false, code: 70011, scope: item };
      }
      const value = item.slice(matched.prefix.length);
      let entry = parsed.apis.find((a) => a.api.clientId === matched.api.clientId);
      if (!entry) {
        entry = { api: matched.api, names: [], prefix: matched.prefix, isDefault: false };
        parsed.apis.push(entry);
      }
      if (value.toLowerCase() === '.default') {
        entry.isDefault = true;
        continue;
      }
      const scope = matched.api.scopes.find((s) => s.value.toLowerCase() === value.toLowerCase());
      if (!scope) return { ok: false, code: 70011, scope: item };
      if (!entry.names.includes(scope.value)) entry.names.push(scope.value);
      continue;
    }
    if (name.toLowerCase() === '.default') {
      parsed.isDefault = true;
      continue;
    }
    const canonical = canonicalGraphScope(name);
    if (!canonical) return { ok: false, code: 70011, scope: item };
    if (!parsed.graph.includes(canonical)) parsed.graph.push(canonical);
  }
  if (parsed.isDefault && parsed.graph.length > 0) {
    return { ok: false, code: 70011, scope: `${GRAPH_RESOURCE_URI}/.default` };
  }
  const mixedDefault = parsed.apis.find((a) => a.isDefault && a.names.length > 0);
  if (mixedDefault) return { ok: false, code: 70011, scope: `${mixedDefault.prefix}.default` };
  if (options.singleResource && resourceCount(parsed) > 1) return { ok: false, code: 28000, scope: items.join(' ') };
  return { ok: true, scopes: parsed };
}

/** How many resources the scopes name (OIDC-only requests count as none: the token is for Graph). */
export function resourceCount(scopes: ParsedScopes): number {
  return (scopes.graph.length > 0 || scopes.isDefault ? 1 : 0) + scopes.apis.length;
}

/** The custom API a single-resource request is for, if it is not Graph. */
export function apiResource(scopes: ParsedScopes): ParsedApiScopes | undefined {
  return scopes.graph.length === 0 && !scopes.isDefault && scopes.apis.length === 1 ? scopes.apis[0] : undefined;
}

/** Empty scopes (a request whose scope could not be parsed). */
export function noScopes(): ParsedScopes {
  return { oidc: new Set(), graph: [], uriForm: false, isDefault: false, apis: [] };
}

/** Graph names in the form the request used. */
export function formatGraphScopes(names: readonly string[], uriForm: boolean): string[] {
  return names.map((n) => (uriForm ? `${GRAPH_RESOURCE_URI}/${n}` : n));
}
