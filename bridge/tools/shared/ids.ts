/**
 * Ids as the model sees them: list results show short handles (`m4k9q2zxa`) instead of Graph's long
 * ids, and every tool that takes an id accepts either a handle or a raw Graph id (models also copy
 * ids from elsewhere). The store behind it is bridge/handles; without one (ctx.handles undefined),
 * or when it cannot be written, ids pass through unchanged.
 */
import { HANDLE_PREFIX, handlePrefix, isHandle, type HandleKind } from '../../handles/handle-code.ts';
import { ToolError, type ToolContext } from '../tool.ts';
import { pathSegment } from './paths.ts';

export type IdKind = Exclude<HandleKind, 'cursor'>;

/** What the id is called and which tool lists it (for the messages below). */
const KIND_INFO: Record<IdKind, { noun: string; from: string }> = {
  message: { noun: 'message id', from: 'list_messages or search_messages' },
  mailFolder: { noun: 'mail folder id', from: 'list_mail_folders' },
  event: { noun: 'event id', from: 'list_events' },
  driveItem: { noun: 'file or folder id', from: 'list_files' },
  chat: { noun: 'chat id', from: 'list_chats' },
  team: { noun: 'team id', from: 'list_teams' },
  taskList: { noun: 'task list id', from: 'list_task_lists' },
  task: { noun: 'task id', from: 'list_tasks' },
  user: { noun: 'user id', from: 'search_users' },
  attachment: { noun: 'attachment id', from: 'get_message' },
  calendar: { noun: 'calendar id', from: 'list_calendars' },
  contact: { noun: 'contact id', from: 'list_contacts' },
  channel: { noun: 'channel id', from: 'list_teams with a teamId' },
  noteSection: { noun: 'OneNote section id', from: 'list_notes' },
  notePage: { noun: 'OneNote page id', from: 'list_notes with a sectionId' },
  plan: { noun: 'plan id', from: 'list_planner' },
  bucket: { noun: 'bucket id', from: 'list_planner with a planId' },
  plannerTask: { noun: 'Planner task id', from: 'list_planner with a planId' },
  site: { noun: 'site id', from: 'search_sites' },
  drive: { noun: 'document library id', from: 'search_sites' },
  siteList: { noun: 'list id', from: 'list_site_lists' },
};

function withArticle(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

function kindOfPrefix(prefix: string): HandleKind | undefined {
  return (Object.keys(HANDLE_PREFIX) as HandleKind[]).find((k) => HANDLE_PREFIX[k] === prefix);
}

/** Short handles for raw ids (same order); the ids themselves without a store. */
export async function shortIds(ctx: ToolContext, kind: IdKind, ids: readonly string[]): Promise<string[]> {
  return ctx.handles ? ctx.handles.issue(HANDLE_PREFIX[kind], ids) : [...ids];
}

/** One short handle for a raw id. */
export async function shortId(ctx: ToolContext, kind: IdKind, id: string): Promise<string> {
  return (await shortIds(ctx, kind, [id]))[0] ?? id;
}

/**
 * The Graph id behind `value`: a handle is looked up, anything else is taken as a raw id. An unknown
 * handle, or one of another kind, is a ToolError that says where to get a current id.
 */
export async function resolveId(ctx: ToolContext, kind: IdKind, value: string): Promise<string> {
  const text = value.trim();
  if (!isHandle(text) || !ctx.handles) return text;
  const info = KIND_INFO[kind];
  const other = kindOfPrefix(handlePrefix(text));
  if (other === undefined) return text;
  if (other !== kind) {
    const what = other === 'cursor' ? 'a paging cursor' : withArticle(KIND_INFO[other].noun);
    throw new ToolError(
      'INVALID_INPUT',
      `"${text}" is ${what}, but ${withArticle(info.noun)} is needed here. Use an id from ${info.from}.`,
    );
  }
  const found = await ctx.handles.lookup(text);
  if (found.status === 'found') return found.value;
  const why =
    found.status === 'unavailable'
      ? `Graph Bridge could not read its list of short ids (${found.reason})`
      : 'short ids are forgotten after a while, and this one may come from an older result';
  throw new ToolError(
    'UNKNOWN_ID',
    `"${text}" is not ${withArticle(info.noun)} Graph Bridge knows: ${why}. Call ${info.from} again and use an id from the new result.`,
  );
}

/**
 * A Graph path with every segment that is a known handle replaced by its Graph id (graph_request:
 * models put ids from list results into paths). Anything else, including a word that merely looks
 * like a handle ("attachments"), stays as it is.
 */
export async function resolvePathHandles(ctx: ToolContext, path: string): Promise<string> {
  const store = ctx.handles;
  if (!store) return path;
  const segments = await Promise.all(
    path.split('/').map(async (segment) => {
      const prefix = isHandle(segment) ? kindOfPrefix(handlePrefix(segment)) : undefined;
      if (prefix === undefined || prefix === 'cursor') return segment;
      const found = await store.lookup(segment);
      return found.status === 'found' ? pathSegment(found.value) : segment;
    }),
  );
  return segments.join('/');
}
