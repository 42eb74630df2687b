/**
 * Scope parsing and the consent vocabulary (spec §5.5). A scope without a resource prefix means
 * Microsoft Graph; Graph names compare case-insensitively and come back in the request's form.
 */

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
  'MailboxSettings.Read': 'Read your mailbox settings',
  'MailboxSettings.ReadWrite': 'Read and write your mailbox settings',
  'Calendars.ReadBasic': 'Read basic details of your calendars',
  'Calendars.Read': 'Read your calendars',
  'Calendars.ReadWrite': 'Have full access to your calendars',
  'Contacts.Read': 'Read your contacts',
  'Contacts.ReadWrite': 'Have full access to your contacts',
  'Files.Read': 'Read your files',
  'Files.ReadWrite': 'Have full access to your files',
  'Files.Read.All': 'Read all files that you can access',
  'Files.ReadWrite.All': 'Have full access to all files you have access to',
  'Sites.Read.All': 'Read items in all site collections',
  'Chat.ReadBasic': 'Read names and members of your chats',
  'Chat.Read': 'Read your chat messages',
  'Chat.ReadWrite': 'Read and write your chat messages',
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
  'Notes.Read': 'Read your OneNote notebooks',
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

export interface ParsedScopes {
  /** OIDC scopes present (lower case). */
  oidc: Set<string>;
  /** Canonical Graph permission names (no `.default`). */
  graph: string[];
  /** The request used `https://graph.microsoft.com/X` names. */
  uriForm: boolean;
  /** `https://graph.microsoft.com/.default` was requested. */
  isDefault: boolean;
}

export type ScopeParse = { ok: true; scopes: ParsedScopes } | { ok: false; code: 70011 | 700022; scope: string };

const GRAPH_PREFIXES = [`${GRAPH_RESOURCE_URI}/`, `${GRAPH_APP_ID}/`];

export function parseScopes(raw: string | undefined): ScopeParse {
  const parsed: ParsedScopes = { oidc: new Set(), graph: [], uriForm: false, isDefault: false };
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
      return { ok: false, code: 70011, scope: item };
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
  return { ok: true, scopes: parsed };
}

/** Graph names in the form the request used. */
export function formatGraphScopes(names: readonly string[], uriForm: boolean): string[] {
  return names.map((n) => (uriForm ? `${GRAPH_RESOURCE_URI}/${n}` : n));
}
