/**
 * Tool groups and the least-privilege Graph scopes each needs: the broker (consent model, status,
 * session policy), the app (settings, window) and the bridge (tool catalog) all read them from here.
 * Zod-free: the bridge's fast start filters its tool list by group before it may load zod.
 */

export const TOOL_GROUPS = [
  'profile',
  'mail',
  'calendar',
  'files',
  'teams',
  'tasks',
  'contacts',
  'search',
  'notes',
  'planner',
  'sites',
  'graph',
  'api',
] as const;
export type ToolGroup = (typeof TOOL_GROUPS)[number];

/** The groups a new settings.json enables (settings `toolGroups` default). */
export const DEFAULT_TOOL_GROUPS = [
  'profile',
  'mail',
  'calendar',
  'files',
  'tasks',
] as const satisfies readonly ToolGroup[];

export interface GroupScopes {
  /** Scopes every read tool of the group needs. */
  readonly read: readonly string[];
  /** Extra scopes the group's write tools need (not requested in read-only mode). */
  readonly write: readonly string[];
  /** One line for the consent screen. */
  readonly description: string;
  /**
   * Scopes of `read`/`write` that only a tenant administrator can grant (Entra: "Admin consent
   * required"). They are never part of a sign-in or a group's Grant — asking for them would put an
   * ordinary user in front of "Need admin approval" and block everything else — and are requested
   * only by the tools that need them, which then point at the admin-consent link.
   */
  readonly adminConsent?: readonly string[];
  /**
   * Scopes only some calls of the group's tools need (a shared mailbox, a SharePoint site, another
   * person's presence): never asked for at sign-in or by the group's Grant — least privilege for
   * everyone who never makes such a call. A call that needs one gets CONSENT_REQUIRED naming it, and
   * the status window offers its Grant. Write ones are not issued in read-only mode.
   */
  readonly onDemand?: { readonly read: readonly string[]; readonly write: readonly string[] };
}

export const GROUP_SCOPES: Readonly<Record<ToolGroup, GroupScopes>> = {
  profile: {
    read: ['User.Read', 'User.ReadBasic.All', 'People.Read'],
    write: [],
    description: 'Your profile, people you work with, managers, presence and the directory',
    // Presence: your own (get_presence without users), other people's.
    onDemand: { read: ['Presence.Read', 'Presence.Read.All'], write: [] },
  },
  mail: {
    read: ['Mail.Read'],
    write: ['Mail.ReadWrite', 'Mail.Send'],
    description: 'Read, draft and send mail',
    // A mailbox shared with the user (the `mailbox` parameter of the mail tools); inbox rules.
    onDemand: {
      read: ['Mail.Read.Shared', 'MailboxSettings.Read'],
      write: ['Mail.ReadWrite.Shared', 'Mail.Send.Shared'],
    },
  },
  calendar: {
    read: ['Calendars.Read'],
    write: ['Calendars.ReadWrite'],
    description: 'Read calendars and events; create, change and cancel events; respond to invitations',
    // Another person's calendar read from their mailbox (the `calendar` parameter given an email).
    onDemand: { read: ['Calendars.Read.Shared'], write: [] },
  },
  files: {
    read: ['Files.Read'],
    write: ['Files.ReadWrite'],
    description: 'OneDrive and SharePoint files, Excel workbooks',
    // A SharePoint document library (the file tools' `drive` parameter): Files.Read covers only your own OneDrive.
    onDemand: { read: ['Files.Read.All'], write: ['Files.ReadWrite.All'] },
  },
  teams: {
    read: ['Chat.Read', 'Team.ReadBasic.All', 'Channel.ReadBasic.All', 'ChannelMessage.Read.All'],
    // User.ReadBasic.All: who a new chat is with (the approval names them, and members are bound by id).
    write: ['ChatMessage.Send', 'ChannelMessage.Send', 'Chat.Create', 'User.ReadBasic.All'],
    description: 'Teams chats, channels and channel messages',
    adminConsent: ['ChannelMessage.Read.All'],
  },
  tasks: { read: ['Tasks.Read'], write: ['Tasks.ReadWrite'], description: 'Microsoft To Do lists and tasks' },
  contacts: { read: ['Contacts.Read'], write: ['Contacts.ReadWrite'], description: 'Your Outlook contacts' },
  search: {
    read: ['Mail.Read', 'Calendars.Read'],
    write: [],
    description: 'Microsoft Search across mail, events, files, sites and list items',
    // Searching files (driveItem) and SharePoint (site, listItem) reads everything the user can reach.
    onDemand: { read: ['Files.Read.All', 'Sites.Read.All'], write: [] },
  },
  // Notes.Create: create pages (and read notebook/section names), not edit or delete existing notes.
  notes: { read: ['Notes.Read'], write: ['Notes.Create'], description: 'OneNote notebooks, sections and pages' },
  // Plans of the user's groups need no Group.Read.All: Tasks.Read/Tasks.ReadWrite cover them (and To Do).
  planner: { read: ['Tasks.Read'], write: ['Tasks.ReadWrite'], description: 'Microsoft Planner plans and tasks' },
  sites: { read: ['Sites.Read.All'], write: ['Sites.ReadWrite.All'], description: 'SharePoint sites and lists' },
  graph: {
    read: ['User.Read'],
    write: [],
    description: 'Generic Microsoft Graph requests (uses whatever you have granted)',
  },
  api: { read: [], write: [], description: 'Your own Entra-protected API (configured in settings)' },
};

/**
 * Scopes a group's tools may use in the given mode: its read and write scopes, those only an admin can
 * grant, and its on-demand ones.
 */
export function scopesForGroup(group: ToolGroup, readOnly: boolean): string[] {
  const g = GROUP_SCOPES[group];
  const onDemand = g.onDemand ?? { read: [], write: [] };
  return readOnly ? [...g.read, ...onDemand.read] : [...g.read, ...g.write, ...onDemand.read, ...onDemand.write];
}

/** Write scopes of a group: its `write` list and its on-demand write scopes. */
export function writeScopesOf(group: ToolGroup): string[] {
  const g = GROUP_SCOPES[group];
  return [...g.write, ...(g.onDemand?.write ?? [])];
}

/** Whether a scope is one some group asks for only when a call needs it (see GroupScopes.onDemand). */
export function isOnDemand(scope: string): boolean {
  const s = scope.toLowerCase();
  return TOOL_GROUPS.some((g) => {
    const d = GROUP_SCOPES[g].onDemand;
    return d !== undefined && [...d.read, ...d.write].some((x) => x.toLowerCase() === s);
  });
}

/** Whether only a tenant administrator can grant this scope (see GroupScopes.adminConsent). */
export function needsAdminConsent(scope: string): boolean {
  const s = scope.toLowerCase();
  return TOOL_GROUPS.some((g) => GROUP_SCOPES[g].adminConsent?.some((a) => a.toLowerCase() === s) === true);
}

/**
 * What signing in or a group's Grant asks for: the group's scopes a user can consent to themselves,
 * without its on-demand ones.
 */
export function userConsentableScopes(group: ToolGroup, readOnly: boolean): string[] {
  return scopesForGroup(group, readOnly).filter((s) => !needsAdminConsent(s) && !isOnDemand(s));
}
