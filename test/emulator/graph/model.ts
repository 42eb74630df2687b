/**
 * In-memory state of the emulated tenant. Mailbox, calendar, drive, To Do and people ranking are per
 * user (keyed by oid, seeded lazily on first use); directory, Teams and chats are tenant-wide.
 * Entities are stored in their Graph JSON shape so $filter/$select/$orderby run on them directly.
 */

import type { OneNoteState } from './model-onenote.ts';
import type { PlannerState } from './model-planner.ts';

export interface EmailAddress {
  name: string;
  address: string;
}
export interface Recipient {
  emailAddress: EmailAddress;
}

export interface DirectoryUser {
  id: string;
  displayName: string;
  givenName: string;
  surname: string;
  mail: string;
  userPrincipalName: string;
  jobTitle: string | null;
  department: string | null;
  officeLocation: string | null;
  businessPhones: string[];
  mobilePhone: string | null;
  preferredLanguage: string | null;
  accountEnabled: boolean;
  city: string | null;
  country: string | null;
  companyName: string | null;
  usageLocation: string | null;
}

export interface MailFolder {
  id: string;
  displayName: string;
  parentFolderId: string;
  childFolderCount: number;
  unreadItemCount: number;
  totalItemCount: number;
  isHidden: boolean;
  /** Internal: the well-known name (`inbox`, `sentitems`, …). */
  wellKnownName: string;
}

export interface Message {
  '@odata.etag': string;
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  categories: string[];
  receivedDateTime: string;
  sentDateTime: string;
  hasAttachments: boolean;
  internetMessageId: string;
  subject: string;
  bodyPreview: string;
  importance: 'low' | 'normal' | 'high';
  parentFolderId: string;
  conversationId: string;
  conversationIndex: string;
  isDeliveryReceiptRequested: boolean;
  isReadReceiptRequested: boolean;
  isRead: boolean;
  isDraft: boolean;
  webLink: string;
  inferenceClassification: 'focused' | 'other';
  body: { contentType: 'html' | 'text'; content: string };
  sender: Recipient | null;
  from: Recipient | null;
  toRecipients: Recipient[];
  ccRecipients: Recipient[];
  bccRecipients: Recipient[];
  replyTo: Recipient[];
  flag: { flagStatus: 'notFlagged' | 'flagged' | 'complete' };
}

export interface FileAttachment {
  '@odata.type': '#microsoft.graph.fileAttachment';
  '@odata.mediaContentType': string;
  id: string;
  lastModifiedDateTime: string;
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId: string | null;
  contentLocation: string | null;
  contentBytes: string;
}

/** An attached Outlook item (a forwarded message): `item` is the message; `$value` is its MIME. */
export interface ItemAttachment {
  '@odata.type': '#microsoft.graph.itemAttachment';
  id: string;
  lastModifiedDateTime: string;
  name: string;
  contentType: string | null;
  size: number;
  isInline: boolean;
  item: Message;
}

/** A link to a cloud file (v1.0 shows only the base attachment properties; no `$value`). */
export interface ReferenceAttachment {
  '@odata.type': '#microsoft.graph.referenceAttachment';
  id: string;
  lastModifiedDateTime: string;
  name: string;
  contentType: string | null;
  size: number;
  isInline: boolean;
}

export type MailAttachment = FileAttachment | ItemAttachment | ReferenceAttachment;

export interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface Attendee {
  type: 'required' | 'optional' | 'resource';
  status: { response: ResponseType; time: string };
  emailAddress: EmailAddress;
}
export type ResponseType = 'none' | 'organizer' | 'tentativelyAccepted' | 'accepted' | 'declined' | 'notResponded';

export interface CalendarEvent {
  '@odata.etag': string;
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  categories: string[];
  iCalUId: string;
  subject: string;
  bodyPreview: string;
  importance: 'low' | 'normal' | 'high';
  sensitivity: 'normal' | 'personal' | 'private' | 'confidential';
  isAllDay: boolean;
  isCancelled: boolean;
  isOrganizer: boolean;
  responseRequested: boolean;
  showAs: 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
  type: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  webLink: string;
  isOnlineMeeting: boolean;
  onlineMeetingProvider: 'teamsForBusiness' | 'unknown';
  onlineMeeting: { joinUrl: string } | null;
  isReminderOn: boolean;
  reminderMinutesBeforeStart: number;
  hasAttachments: boolean;
  responseStatus: { response: ResponseType; time: string };
  body: { contentType: 'html' | 'text'; content: string };
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
  location: { displayName: string; locationType: string };
  locations: { displayName: string; locationType: string }[];
  attendees: Attendee[];
  organizer: Recipient;
}

/** An Outlook calendar folder (GET /me/calendars). */
export interface CalendarFolder {
  id: string;
  name: string;
  color: string;
  hexColor: string;
  changeKey: string;
  canShare: boolean;
  canViewPrivateItems: boolean;
  canEdit: boolean;
  isDefaultCalendar: boolean;
  isRemovable: boolean;
  isTallyingResponses: boolean;
  allowedOnlineMeetingProviders: string[];
  defaultOnlineMeetingProvider: string;
  owner: EmailAddress;
}

/** A calendar in a user's list, and where its events live. */
export interface UserCalendar {
  calendar: CalendarFolder;
  /**
   * The default calendar's events are UserState.events; another own calendar keeps them here; a
   * calendar shared with the user shows its owner's default calendar (`sharedBy`, read-only).
   */
  events?: CalendarEvent[];
  sharedBy?: string;
}

export interface Contact {
  '@odata.etag': string;
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  categories: string[];
  parentFolderId: string;
  displayName: string;
  givenName: string;
  surname: string;
  fileAs: string;
  jobTitle: string | null;
  companyName: string | null;
  department: string | null;
  officeLocation: string | null;
  businessPhones: string[];
  mobilePhone: string | null;
  homePhones: string[];
  imAddresses: string[];
  emailAddresses: { name: string; address: string }[];
  personalNotes: string;
}

export interface ContactFolder {
  id: string;
  displayName: string;
  parentFolderId: string;
}

export interface DriveItem {
  id: string;
  name: string;
  size: number;
  createdDateTime: string;
  lastModifiedDateTime: string;
  eTag: string;
  cTag: string;
  webUrl: string;
  parentReference: { driveType: DriveType; driveId: string; id?: string; path?: string };
  createdBy: { user: { displayName: string; email: string } };
  lastModifiedBy: { user: { displayName: string; email: string } };
  file?: { mimeType: string; hashes: { quickXorHash: string } };
  folder?: { childCount: number };
  root?: Record<string, never>;
  fileSystemInfo: { createdDateTime: string; lastModifiedDateTime: string };
}

export type DriveType = 'business' | 'documentLibrary';

/** A sharing link made by createLink (a `permission` with a `link` facet). */
export interface SharingPermission {
  id: string;
  roles: ('read' | 'write')[];
  shareId: string;
  link: {
    type: 'view' | 'edit' | 'embed';
    scope: 'anonymous' | 'organization' | 'users';
    webUrl: string;
    preventsDownload: boolean;
  };
}

export interface DriveNode {
  item: DriveItem;
  parentId: string | null;
  content?: Buffer;
  /** An .xlsx the workbook routes serve; its cells are modelled as JSON (no xlsx parsing). */
  workbook?: Workbook;
  /** Sharing links made with createLink. */
  links?: SharingPermission[];
}

/** A drive: a user's OneDrive or a SharePoint site's document library. */
export interface DriveState {
  id: string;
  rootId: string;
  nodes: Map<string, DriveNode>;
  driveType: DriveType;
  name: string;
  description: string;
  createdDateTime: string;
  /** The root folder's web URL; items' URLs are built below it. */
  webUrl: string;
  owner: { kind: 'user'; oid: string } | { kind: 'site'; siteId: string };
  ownerName: string;
}

export type CellValue = string | number | boolean;

export interface WorkbookSheet {
  id: string;
  name: string;
  position: number;
  visibility: 'Visible' | 'Hidden' | 'VeryHidden';
  /** cells[row][column] from A1; missing or '' = empty. */
  cells: CellValue[][];
}

/** A table: a header row at (row, column), `columns` wide, then `rows` data rows (zero-based). */
export interface WorkbookTable {
  id: string;
  name: string;
  sheetId: string;
  row: number;
  column: number;
  columns: number;
  rows: number;
  style: string;
}

export interface Workbook {
  sheets: WorkbookSheet[];
  tables: WorkbookTable[];
}

export interface TodoTaskList {
  '@odata.etag': string;
  id: string;
  displayName: string;
  isOwner: boolean;
  isShared: boolean;
  wellknownListName: 'none' | 'defaultList' | 'flaggedEmails' | 'unknownFutureValue';
}

export interface TodoTask {
  '@odata.etag': string;
  id: string;
  title: string;
  status: 'notStarted' | 'inProgress' | 'completed' | 'waitingOnOthers' | 'deferred';
  importance: 'low' | 'normal' | 'high';
  isReminderOn: boolean;
  createdDateTime: string;
  lastModifiedDateTime: string;
  hasAttachments: boolean;
  categories: string[];
  body: { content: string; contentType: 'text' | 'html' };
  dueDateTime?: DateTimeTimeZone;
  completedDateTime?: DateTimeTimeZone;
}

export interface Person {
  id: string;
  displayName: string;
  givenName: string;
  surname: string;
  birthday: string;
  personNotes: string;
  isFavorite: boolean;
  jobTitle: string | null;
  companyName: string | null;
  yomiCompany: string;
  department: string | null;
  officeLocation: string | null;
  profession: string;
  userPrincipalName: string;
  imAddress: string;
  scoredEmailAddresses: { address: string; relevanceScore: number; selectionLikelihood: string }[];
  phones: { type: string; number: string }[];
  personType: { class: 'Person' | 'Group'; subclass: string };
}

export interface Team {
  id: string;
  displayName: string;
  description: string;
  isArchived: boolean;
  tenantId: string;
  memberIds: string[];
}

export interface Channel {
  id: string;
  createdDateTime: string;
  displayName: string;
  description: string;
  isFavoriteByDefault: boolean | null;
  email: string;
  webUrl: string;
  membershipType: 'standard' | 'private' | 'shared';
  tenantId: string;
}

export interface ChatMessage {
  id: string;
  replyToId: string | null;
  etag: string;
  messageType: 'message';
  createdDateTime: string;
  lastModifiedDateTime: string;
  lastEditedDateTime: string | null;
  deletedDateTime: string | null;
  subject: string | null;
  summary: string | null;
  chatId: string | null;
  importance: 'normal' | 'high' | 'urgent';
  locale: string;
  webUrl: string | null;
  channelIdentity: { teamId: string; channelId: string } | null;
  from: {
    application: null;
    device: null;
    user: { id: string; displayName: string; userIdentityType: 'aadUser'; tenantId: string };
  };
  body: { contentType: 'html' | 'text'; content: string };
  attachments: unknown[];
  mentions: unknown[];
  reactions: unknown[];
}

export interface Chat {
  id: string;
  topic: string | null;
  createdDateTime: string;
  lastUpdatedDateTime: string;
  chatType: 'oneOnOne' | 'group' | 'meeting';
  webUrl: string;
  tenantId: string;
  onlineMeetingInfo: null;
  memberIds: string[];
}

export interface UserState {
  folders: MailFolder[];
  messages: Message[];
  attachments: Map<string, MailAttachment[]>;
  events: CalendarEvent[];
  drive: DriveState;
  todoLists: TodoTaskList[];
  todoTasks: Map<string, TodoTask[]>;
  people: Person[];
  /** Default calendar first. */
  calendars: UserCalendar[];
  contacts: Contact[];
  /** The default Contacts folder first (it is not listed by /me/contactFolders). */
  contactFolders: ContactFolder[];
}

export interface TenantState {
  teams: Team[];
  channels: Map<string, Channel[]>;
  channelMessages: Map<string, ChatMessage[]>;
  /** Replies of a channel message, keyed `${channelId}/${messageId}`, newest first. */
  channelReplies: Map<string, ChatMessage[]>;
  chats: Chat[];
  chatMessages: Map<string, ChatMessage[]>;
  /** Plans of the teams' groups (routes/planner.ts). */
  planner: PlannerState;
  /** Each user's notebooks, seeded at the user's first OneNote request (routes/onenote.ts). */
  onenote: Map<string, OneNoteState>;
}

export interface Site {
  id: string;
  name: string;
  displayName: string;
  description: string;
  webUrl: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  siteCollection: { hostname: string };
}

/** A list column as the emulator models it (rendered as a columnDefinition). */
export interface ListColumn {
  id: string;
  name: string;
  displayName: string;
  type: 'text' | 'number' | 'boolean' | 'dateTime' | 'choice';
  choices?: string[];
  required: boolean;
  readOnly: boolean;
  hidden: boolean;
}

export interface SiteListItem {
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  eTag: string;
  webUrl: string;
  createdBy: { user: { displayName: string; email: string } };
  lastModifiedBy: { user: { displayName: string; email: string } };
  fields: Record<string, unknown>;
}

export interface SiteList {
  id: string;
  name: string;
  displayName: string;
  description: string;
  webUrl: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  template: 'genericList' | 'documentLibrary' | 'events';
  hidden: boolean;
  /** A document library's drive. */
  driveId?: string;
  columns: ListColumn[];
  items: SiteListItem[];
  nextItemId: number;
}

/** A SharePoint site with its document libraries (drives) and lists; tenant-wide. */
export interface SiteState {
  site: Site;
  drives: DriveState[];
  lists: SiteList[];
}
