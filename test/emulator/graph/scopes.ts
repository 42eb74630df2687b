/**
 * Delegated permission table (spec §9): least-privileged first, then the higher ones Graph also
 * accepts. Writes list only write scopes. One place, so docs/emulator-graph.md can mirror it.
 */
import type { ScopeRule } from './auth.ts';

const DIR_READ_ALL = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const FILES_READ = [
  'Files.Read',
  'Files.ReadWrite',
  'Files.Read.All',
  'Files.ReadWrite.All',
  'Sites.Read.All',
  'Sites.ReadWrite.All',
];

export const SCOPES = {
  me: { workload: 'directory', anyOf: ['User.Read', 'User.ReadWrite', 'User.ReadBasic.All', ...DIR_READ_ALL] },
  users: { workload: 'directory', anyOf: ['User.ReadBasic.All', ...DIR_READ_ALL] },
  /** `/me/manager`, `/me/directReports`: the signed-in user's own relationships. */
  myRelations: { workload: 'directory', anyOf: ['User.Read', 'User.ReadBasic.All', ...DIR_READ_ALL] },
  people: { workload: 'people', anyOf: ['People.Read', 'People.Read.All'] },
  /** The *.Shared scopes cover the user's own mailbox too ("mail a user can access, including their own"). */
  mailRead: {
    workload: 'outlook',
    anyOf: ['Mail.ReadBasic', 'Mail.Read', 'Mail.ReadWrite', 'Mail.Read.Shared', 'Mail.ReadWrite.Shared'],
  },
  /** Attachments and bodies are not part of Mail.ReadBasic. */
  mailReadFull: {
    workload: 'outlook',
    anyOf: ['Mail.Read', 'Mail.ReadWrite', 'Mail.Read.Shared', 'Mail.ReadWrite.Shared'],
  },
  mailWrite: { workload: 'outlook', anyOf: ['Mail.ReadWrite', 'Mail.ReadWrite.Shared'] },
  mailSend: { workload: 'outlook', anyOf: ['Mail.Send', 'Mail.Send.Shared'] },
  /** Another user's (shared) mailbox: `/users/{id|address}/…` needs a *.Shared scope and access rights. */
  mailReadShared: { workload: 'outlook', anyOf: ['Mail.Read.Shared', 'Mail.ReadWrite.Shared'] },
  mailWriteShared: { workload: 'outlook', anyOf: ['Mail.ReadWrite.Shared'] },
  mailSendShared: { workload: 'outlook', anyOf: ['Mail.Send.Shared'] },
  mailboxSettingsRead: { workload: 'outlook', anyOf: ['MailboxSettings.Read', 'MailboxSettings.ReadWrite'] },
  contactsRead: { workload: 'outlook', anyOf: ['Contacts.Read', 'Contacts.ReadWrite'] },
  contactsWrite: { workload: 'outlook', anyOf: ['Contacts.ReadWrite'] },
  calendarRead: {
    workload: 'outlook',
    anyOf: [
      'Calendars.ReadBasic',
      'Calendars.Read',
      'Calendars.ReadWrite',
      'Calendars.Read.Shared',
      'Calendars.ReadWrite.Shared',
    ],
  },
  calendarWrite: { workload: 'outlook', anyOf: ['Calendars.ReadWrite'] },
  /** Another user's calendar, read from their mailbox (`/users/{owner}/calendar/…`). */
  calendarShared: { workload: 'outlook', anyOf: ['Calendars.Read.Shared', 'Calendars.ReadWrite.Shared'] },
  filesRead: { workload: 'onedrive', anyOf: FILES_READ },
  filesWrite: { workload: 'onedrive', anyOf: ['Files.ReadWrite', 'Files.ReadWrite.All', 'Sites.ReadWrite.All'] },
  /** A SharePoint library: Files.Read/ReadWrite cover only the user's own OneDrive. */
  siteFilesRead: {
    workload: 'onedrive',
    anyOf: ['Files.Read.All', 'Files.ReadWrite.All', 'Sites.Read.All', 'Sites.ReadWrite.All'],
  },
  siteFilesWrite: { workload: 'onedrive', anyOf: ['Files.ReadWrite.All', 'Sites.ReadWrite.All'] },
  sitesRead: {
    workload: 'onedrive',
    anyOf: ['Sites.Read.All', 'Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All'],
  },
  sitesWrite: { workload: 'onedrive', anyOf: ['Sites.ReadWrite.All', 'Sites.Manage.All', 'Sites.FullControl.All'] },
  joinedTeams: {
    workload: 'teams',
    anyOf: ['Team.ReadBasic.All', 'TeamSettings.Read.All', 'TeamSettings.ReadWrite.All', ...DIR_READ_ALL],
  },
  channels: {
    workload: 'teams',
    anyOf: [
      'Channel.ReadBasic.All',
      'ChannelSettings.Read.All',
      'ChannelSettings.ReadWrite.All',
      'Directory.Read.All',
      'Directory.ReadWrite.All',
      'Group.Read.All',
      'Group.ReadWrite.All',
    ],
  },
  channelMessages: { workload: 'teams', anyOf: ['ChannelMessage.Read.All', 'Group.Read.All', 'Group.ReadWrite.All'] },
  /** Post a channel message or a reply (Group.ReadWrite.All is deprecated for this but still accepted). */
  channelSend: { workload: 'teams', anyOf: ['ChannelMessage.Send', 'Group.ReadWrite.All'] },
  chats: { workload: 'teams', anyOf: ['Chat.ReadBasic', 'Chat.Read', 'Chat.ReadWrite'] },
  chatMessages: { workload: 'teams', anyOf: ['Chat.Read', 'Chat.ReadWrite'] },
  chatSend: { workload: 'teams', anyOf: ['ChatMessage.Send', 'Chat.ReadWrite', 'Group.ReadWrite.All'] },
  /** replyWithQuote: ChatMessage.Send only (chatmessage-replywithquote permissions table). */
  chatQuote: { workload: 'teams', anyOf: ['ChatMessage.Send'] },
  chatCreate: { workload: 'teams', anyOf: ['Chat.Create', 'Chat.ReadWrite'] },
  tasksRead: { workload: 'todo', anyOf: ['Tasks.Read', 'Tasks.ReadWrite'] },
  tasksWrite: { workload: 'todo', anyOf: ['Tasks.ReadWrite'] },
  /** Presence is the Teams service's: its 403 names the scopes. */
  presenceMine: { workload: 'teams', anyOf: ['Presence.Read', 'Presence.Read.All'] },
  presenceAll: { workload: 'teams', anyOf: ['Presence.Read.All'] },
  /** `/search/query`: checked per entity type by the route (routes/search.ts). */
  search: { workload: 'teams', anyOf: [] },
  /** Notebooks and sections: Notes.Create may read their names (it creates pages in them). */
  notesStructure: {
    workload: 'onenote',
    anyOf: ['Notes.Create', 'Notes.Read', 'Notes.ReadWrite', 'Notes.Read.All', 'Notes.ReadWrite.All'],
  },
  notesRead: { workload: 'onenote', anyOf: ['Notes.Read', 'Notes.ReadWrite', 'Notes.Read.All', 'Notes.ReadWrite.All'] },
  notesCreate: { workload: 'onenote', anyOf: ['Notes.Create', 'Notes.ReadWrite', 'Notes.ReadWrite.All'] },
  plannerRead: {
    workload: 'planner',
    anyOf: ['Tasks.Read', 'Tasks.ReadWrite', 'Group.Read.All', 'Group.ReadWrite.All'],
  },
  plannerWrite: { workload: 'planner', anyOf: ['Tasks.ReadWrite', 'Group.ReadWrite.All'] },
  /** Authorised per inner request. */
  none: { workload: 'directory', anyOf: [] },
} as const satisfies Record<string, ScopeRule>;
