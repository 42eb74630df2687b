/**
 * Holds all Graph state and seeds it lazily: the directory, Teams and SharePoint sites on first use after reset(),
 * each user's mailbox/calendar/drive/To Do/people on that user's first request. Everything is
 * derived from a seeded PRNG and the seed base date (UTC midnight of the emulator clock at reset, or
 * a fixed `baseDateMs`), so two emulators seeded the same day hold identical data.
 */
import type { AccessTokenClaims, GraphServiceDeps } from '../types.ts';
import type { GraphVersion } from './http.ts';
import type { DirectoryUser, DriveState, SiteState, TenantState, UserState, Workbook } from './model.ts';
import { seedCalendars, seedEvents } from './seed/calendar.ts';
import { seedContacts } from './seed/contacts.ts';
import { seedDirectory } from './seed/directory.ts';
import { seedDrive } from './seed/drive.ts';
import { seedMailbox } from './seed/mail.ts';
import { findSharedMailbox } from './seed/mail-shared.ts';
import { seedPeople } from './seed/people.ts';
import { createRng, DAY_MS, type Rng } from './seed/prng.ts';
import { seedSites } from './seed/sites.ts';
import { seedTenant } from './seed/teams.ts';
import { seedTodo } from './seed/todo.ts';

export interface DownloadGrant {
  oid: string;
  driveId: string;
  itemId: string;
  expiresMs: number;
  singleUse: boolean;
}

/** A driveItem upload session (createUploadSession), addressed by the token in its upload URL. */
export interface UploadSessionState {
  oid: string;
  /** How the creating request addressed the drive: `me/drive`, `drives/{id}` or `sites/{id}/drive`. */
  drivePrefix: string;
  /** The creating request's token claims and API version (the commit renders the item with them). */
  claims: AccessTokenClaims;
  version: GraphVersion;
  /** Where the file goes: `rawPath` below `fromId` (path addressing), or the existing file `itemId`. */
  fromId: string;
  rawPath: string;
  itemId?: string;
  behavior: string;
  /** `item.fileSize` from the request, when given. */
  fileSize?: number;
  /** The total of the first Content-Range. */
  total?: number;
  received: Buffer[];
  receivedBytes: number;
  expiresMs: number;
}

/** An Outlook attachment upload session (routes/mail-attachments.ts), addressed by its upload URL token. */
export interface AttachmentUploadState {
  /** The mailbox (owner id) and message the file is attached to. */
  mailboxId: string;
  messageId: string;
  version: GraphVersion;
  name: string;
  contentType: string;
  isInline: boolean;
  size: number;
  received: Buffer[];
  receivedBytes: number;
  expiresMs: number;
}

/** A workbook session (createSession), addressed by the `workbook-session-id` header. */
export interface WorkbookSessionState {
  oid: string;
  driveId: string;
  itemId: string;
  persistChanges: boolean;
  /** A non-persistent session works on its own copy, dropped when the session ends. */
  scratch?: Workbook;
  expiresMs: number;
}

/** An async copy's monitor (`${downloadOrigin}/_mon/<token>`). */
export interface CopyMonitorState {
  resourceId: string;
  expiresMs: number;
}

export interface GraphStore {
  /** UTC midnight the seed data is arranged around. */
  baseMs(): number;
  directory(): DirectoryUser[];
  fixtureIds(): string[];
  findUser(idOrUpn: string): DirectoryUser | undefined;
  tenant(): TenantState;
  user(oid: string): UserState;
  /** SharePoint sites with their libraries and lists (tenant-wide). */
  sites(): SiteState[];
  /** A drive by id: a seeded user's OneDrive or a site's library. */
  findDrive(driveId: string): DriveState | undefined;
  /** Randomness for ids of entities created by writes (deterministic sequence per reset). */
  rng(): Rng;
  downloads: Map<string, DownloadGrant>;
  uploads: Map<string, UploadSessionState>;
  attachmentUploads: Map<string, AttachmentUploadState>;
  workbookSessions: Map<string, WorkbookSessionState>;
  copyMonitors: Map<string, CopyMonitorState>;
  reset(): void;
}

export function createStore(deps: GraphServiceDeps, opts: { baseDateMs?: number } = {}): GraphStore {
  let base = 0;
  let directory: DirectoryUser[] | undefined;
  let tenant: TenantState | undefined;
  let sites: SiteState[] | undefined;
  let users = new Map<string, UserState>();
  let writeRng = createRng('writes');
  const downloads = new Map<string, DownloadGrant>();
  const uploads = new Map<string, UploadSessionState>();
  const attachmentUploads = new Map<string, AttachmentUploadState>();
  const workbookSessions = new Map<string, WorkbookSessionState>();
  const copyMonitors = new Map<string, CopyMonitorState>();

  const reset = (): void => {
    base = opts.baseDateMs ?? Math.floor(deps.clock.nowMs() / DAY_MS) * DAY_MS;
    directory = undefined;
    tenant = undefined;
    sites = undefined;
    users = new Map();
    writeRng = createRng(`writes:${base}`);
    downloads.clear();
    uploads.clear();
    attachmentUploads.clear();
    workbookSessions.clear();
    copyMonitors.clear();
  };
  reset();

  const fixtureIds = (): string[] => deps.users().map((u) => u.oid);
  const dir = (): DirectoryUser[] => (directory ??= seedDirectory(deps.users()));
  const findUser = (idOrUpn: string): DirectoryUser | undefined => {
    const key = idOrUpn.toLowerCase();
    return dir().find(
      (u) => u.id.toLowerCase() === key || u.userPrincipalName.toLowerCase() === key || u.mail.toLowerCase() === key,
    );
  };

  return {
    baseMs: () => base,
    directory: dir,
    fixtureIds,
    findUser,
    tenant: () => (tenant ??= seedTenant(fixtureIds(), dir(), deps.tenantId, base)),
    user(oid) {
      const existing = users.get(oid);
      if (existing) return existing;
      const me = findUser(oid) ?? findSharedMailbox(dir(), fixtureIds(), oid)?.owner;
      if (!me) throw new Error(`No directory user ${oid}`);
      const mail = seedMailbox(me, dir(), base);
      const todo = seedTodo(oid, base);
      const contacts = seedContacts(me, dir(), base);
      const state: UserState = {
        folders: mail.folders,
        messages: mail.messages,
        attachments: mail.attachments,
        events: seedEvents(me, dir(), base),
        drive: seedDrive(me, base),
        todoLists: todo.lists,
        todoTasks: todo.tasks,
        people: seedPeople(me, dir(), fixtureIds()),
        calendars: seedCalendars(me, dir(), fixtureIds(), base),
        contacts: contacts.contacts,
        contactFolders: contacts.folders,
      };
      users.set(oid, state);
      return state;
    },
    sites: () => (sites ??= seedSites(dir(), base)),
    findDrive(driveId) {
      for (const u of users.values()) if (u.drive.id === driveId) return u.drive;
      for (const site of (sites ??= seedSites(dir(), base))) {
        const found = site.drives.find((d) => d.id === driveId);
        if (found) return found;
      }
      return undefined;
    },
    rng: () => writeRng,
    downloads,
    uploads,
    attachmentUploads,
    workbookSessions,
    copyMonitors,
    reset,
  };
}
