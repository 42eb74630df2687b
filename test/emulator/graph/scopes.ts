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
  people: { workload: 'people', anyOf: ['People.Read', 'People.Read.All'] },
  mailRead: { workload: 'outlook', anyOf: ['Mail.ReadBasic', 'Mail.Read', 'Mail.ReadWrite'] },
  /** Attachments and bodies are not part of Mail.ReadBasic. */
  mailReadFull: { workload: 'outlook', anyOf: ['Mail.Read', 'Mail.ReadWrite'] },
  mailWrite: { workload: 'outlook', anyOf: ['Mail.ReadWrite'] },
  mailSend: { workload: 'outlook', anyOf: ['Mail.Send'] },
  contactsRead: { workload: 'outlook', anyOf: ['Contacts.Read', 'Contacts.ReadWrite'] },
  calendarRead: { workload: 'outlook', anyOf: ['Calendars.ReadBasic', 'Calendars.Read', 'Calendars.ReadWrite'] },
  calendarWrite: { workload: 'outlook', anyOf: ['Calendars.ReadWrite'] },
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
  chats: { workload: 'teams', anyOf: ['Chat.ReadBasic', 'Chat.Read', 'Chat.ReadWrite'] },
  chatMessages: { workload: 'teams', anyOf: ['Chat.Read', 'Chat.ReadWrite'] },
  chatSend: { workload: 'teams', anyOf: ['ChatMessage.Send', 'Chat.ReadWrite', 'Group.ReadWrite.All'] },
  tasksRead: { workload: 'todo', anyOf: ['Tasks.Read', 'Tasks.ReadWrite'] },
  tasksWrite: { workload: 'todo', anyOf: ['Tasks.ReadWrite'] },
  /** Authorised per inner request. */
  none: { workload: 'directory', anyOf: [] },
} as const satisfies Record<string, ScopeRule>;
