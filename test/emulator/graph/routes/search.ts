/**
 * Microsoft Search: `POST /search/query` with one searchRequest `{entityTypes, query: {queryString},
 * from, size}` over the caller's mail (`message`), default calendar (`event`), OneDrive files
 * (`driveItem`, and the same files as `listItem`) and the SharePoint sites of their teams (`site`).
 * Refuses what Graph refuses: more than one request; an unknown entity type; types Graph will not mix
 * (message, event, chatMessage and person only alone; acronym, bookmark and qna together; drive,
 * driveItem, list, listItem, site and externalItem together) → 400; and a token without the type's
 * permission → 403. Valid types the emulator does not search (chatMessage, drive, list, …) → 501.
 * The answer is Graph's searchResponse: `value[0].hitsContainers[0]` with `hits` (hitId, rank,
 * summary with `<c0>` highlights and `<ddd/>`, resource), `total` and `moreResultsAvailable`.
 */
import { hasAnyScope } from '../auth.ts';
import { badRequest, GraphHttpError, invalidJsonPayload } from '../errors.ts';
import { jsonResponse, readJsonBody, type GraphResponse } from '../http.ts';
import type { CalendarEvent, DriveNode, Message } from '../model.ts';
import type { Route, RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';
import { tenantDomain } from '../seed/directory.ts';
import { createRng } from '../seed/prng.ts';
import { eventStart } from './calendar-time.ts';

const ALL_TYPES = [
  'event',
  'message',
  'driveItem',
  'externalItem',
  'site',
  'list',
  'listItem',
  'drive',
  'chatMessage',
  'person',
  'acronym',
  'bookmark',
  'qna',
] as const;
type EntityType = (typeof ALL_TYPES)[number];
const SERVED = new Set<string>(['message', 'event', 'driveItem', 'site', 'listItem']);
/** Types Graph searches together (search-api-overview "Known limitations"); others only alone. */
const GROUPS: readonly (readonly string[])[] = [
  ['drive', 'driveItem', 'externalItem', 'list', 'listItem', 'site'],
  ['acronym', 'bookmark', 'qna'],
];
const PERMISSIONS: Record<string, readonly string[]> = {
  message: ['Mail.Read', 'Mail.ReadWrite'],
  event: ['Calendars.Read', 'Calendars.ReadWrite'],
  driveItem: ['Files.Read.All', 'Files.ReadWrite.All', 'Sites.Read.All', 'Sites.ReadWrite.All'],
  site: ['Sites.Read.All', 'Sites.ReadWrite.All'],
  listItem: ['Sites.Read.All', 'Sites.ReadWrite.All'],
};

function invalid(message: string): GraphHttpError {
  return badRequest('BadRequest', message);
}

interface SearchRequest {
  entityTypes: EntityType[];
  queryString: string;
  from: number;
  size: number;
}

function parseRequest(json: Record<string, unknown>): SearchRequest {
  const requests = json.requests;
  if (!Array.isArray(requests) || requests.length === 0) throw invalid("The parameter 'requests' is required.");
  if (requests.length > 1) throw invalid('SearchRequest Invalid (Only one search request is supported at a time.)');
  const r = requests[0] as Record<string, unknown> | null;
  const types = r?.entityTypes;
  if (!Array.isArray(types) || types.length === 0)
    throw invalid('SearchRequest Invalid (The request must specify at least one entity type.)');
  for (const t of types) {
    if (typeof t !== 'string' || !(ALL_TYPES as readonly string[]).includes(t))
      throw invalid(`Requested value '${String(t)}' was not found.`);
  }
  const unique = [...new Set(types as EntityType[])];
  const together = GROUPS.some((g) => unique.every((t) => g.includes(t)));
  if (unique.length > 1 && !together)
    throw invalid(`SearchRequest Invalid (Entity types combination is not supported: ${unique.join(', ')}.)`);
  const queryString = (r?.query as { queryString?: unknown } | undefined)?.queryString;
  if (typeof queryString !== 'string' || queryString.trim() === '')
    throw invalid('SearchRequest Invalid (Query string cannot be empty.)');
  const from = typeof r?.from === 'number' ? r.from : 0;
  const size = typeof r?.size === 'number' ? r.size : 25;
  if (!Number.isInteger(from) || from < 0) throw invalid('SearchRequest Invalid (From must be 0 or more.)');
  if (!Number.isInteger(size) || size < 0 || size > 1000)
    throw invalid('SearchRequest Invalid (Size must be between 0 and 1000.)');
  return { entityTypes: unique, queryString, from, size };
}

/** KQL, simplified: words and "phrases" (property:value keeps the value), all required unless OR is used. */
export function searchTerms(query: string): { terms: string[]; any: boolean } {
  const tokens = [...query.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
  const any = tokens.includes('OR');
  const terms = tokens
    .filter((t) => t !== 'AND' && t !== 'OR' && t !== 'NOT')
    .map((t) => t.replace(/^[A-Za-z]+:/, '').toLowerCase())
    .filter(Boolean);
  return { terms, any };
}

function matches(text: string, q: { terms: string[]; any: boolean }): boolean {
  const lower = text.toLowerCase();
  return q.any ? q.terms.some((t) => lower.includes(t)) : q.terms.every((t) => lower.includes(t));
}

/** Graph's hit summary: a window of text around the first term, the term in `<c0>`, `<ddd/>` at cuts. */
function summaryOf(text: string, terms: readonly string[]): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const lower = flat.toLowerCase();
  const term = terms.find((t) => lower.includes(t)) ?? '';
  const at = term ? lower.indexOf(term) : 0;
  const start = Math.max(0, at - 60);
  const end = Math.min(flat.length, at + term.length + 100);
  const cut = flat.slice(start, end);
  const hit = term
    ? `${cut.slice(0, at - start)}<c0>${cut.slice(at - start, at - start + term.length)}</c0>${cut.slice(at - start + term.length)}`
    : cut;
  return `${start > 0 ? '<ddd/>' : ''}${hit}${end < flat.length ? '<ddd/>' : ''}`;
}

interface Hit {
  hitId: string;
  summary: string;
  resource: Record<string, unknown>;
}

function messageHits(ctx: RouteContext, q: { terms: string[]; any: boolean }): Hit[] {
  const state = ctx.store.user(ctx.me.id);
  return state.messages
    .filter((m) => !m.isDraft)
    .filter((m) =>
      matches(
        `${m.subject} ${m.bodyPreview} ${m.from?.emailAddress.name ?? ''} ${m.from?.emailAddress.address ?? ''}`,
        q,
      ),
    )
    .sort((a, b) => b.receivedDateTime.localeCompare(a.receivedDateTime))
    .map((m: Message) => ({
      hitId: m.id,
      summary: summaryOf(`${m.subject} ${m.bodyPreview}`, q.terms),
      resource: {
        '@odata.type': '#microsoft.graph.message',
        createdDateTime: m.createdDateTime,
        lastModifiedDateTime: m.lastModifiedDateTime,
        receivedDateTime: m.receivedDateTime,
        sentDateTime: m.sentDateTime,
        hasAttachments: m.hasAttachments,
        subject: m.subject,
        bodyPreview: m.bodyPreview,
        importance: m.importance,
        replyTo: m.replyTo,
        sender: m.sender,
        from: m.from,
      },
    }));
}

function eventHits(ctx: RouteContext, q: { terms: string[]; any: boolean }): Hit[] {
  return ctx.store
    .user(ctx.me.id)
    .events.filter((e) => matches(`${e.subject} ${e.bodyPreview} ${e.location.displayName}`, q))
    .sort((a, b) => eventStart(b) - eventStart(a))
    .map((e: CalendarEvent) => ({
      hitId: e.id,
      summary: summaryOf(`${e.subject} ${e.bodyPreview}`, q.terms),
      resource: {
        '@odata.type': '#microsoft.graph.event',
        subject: e.subject,
        start: e.start,
        end: e.end,
        location: e.location,
        organizer: e.organizer,
        hasAttachments: e.hasAttachments,
      },
    }));
}

function fileText(node: DriveNode): string {
  const mime = node.item.file?.mimeType ?? '';
  return node.content && /^text\/|json/.test(mime) ? node.content.subarray(0, 200_000).toString('utf8') : '';
}

function fileHits(ctx: RouteContext, q: { terms: string[]; any: boolean }, type: 'driveItem' | 'listItem'): Hit[] {
  const state = ctx.store.user(ctx.me.id);
  const hits: Hit[] = [];
  for (const node of state.drive.nodes.values()) {
    const item = node.item;
    if (item.root || !matches(`${item.name} ${fileText(node)}`, q)) continue;
    const base = {
      name: item.name,
      webUrl: item.webUrl,
      createdDateTime: item.createdDateTime,
      lastModifiedDateTime: item.lastModifiedDateTime,
      createdBy: item.createdBy,
      lastModifiedBy: item.lastModifiedBy,
    };
    const summary = summaryOf(`${item.name} ${fileText(node)}`, q.terms);
    if (type === 'driveItem') {
      hits.push({
        hitId: item.id,
        summary,
        resource: {
          '@odata.type': '#microsoft.graph.driveItem',
          id: item.id,
          ...base,
          size: item.size,
          parentReference: { driveId: item.parentReference.driveId, id: item.parentReference.id },
          fileSystemInfo: item.fileSystemInfo,
        },
      });
    } else {
      const listItemId = String(hits.length + 1);
      hits.push({
        hitId: item.id,
        summary,
        resource: {
          '@odata.type': '#microsoft.graph.listItem',
          id: createRng(`listItem:${item.id}`).uuid(),
          ...base,
          sharepointIds: { listItemId },
        },
      });
    }
  }
  return hits;
}

function siteHits(ctx: RouteContext, q: { terms: string[]; any: boolean }): Hit[] {
  const host = `${tenantDomain(ctx.deps.users()).split('.')[0] ?? 'contoso'}.sharepoint.com`;
  return ctx.store
    .tenant()
    .teams.filter((t) => t.memberIds.includes(ctx.me.id) && matches(`${t.displayName} ${t.description}`, q))
    .map((t) => {
      const rng = createRng(`site:${t.id}`);
      const id = `${host},${rng.uuid()},${rng.uuid()}`;
      const path = t.displayName.replace(/\W+/g, '');
      return {
        hitId: id,
        summary: summaryOf(`${t.displayName} ${t.description}`, q.terms),
        resource: {
          '@odata.type': '#microsoft.graph.site',
          id,
          name: path,
          displayName: t.displayName,
          description: t.description,
          webUrl: `https://${host}/sites/${path}`,
        },
      };
    });
}

function hitsFor(ctx: RouteContext, type: EntityType, q: { terms: string[]; any: boolean }): Hit[] {
  if (type === 'message') return messageHits(ctx, q);
  if (type === 'event') return eventHits(ctx, q);
  if (type === 'driveItem' || type === 'listItem') return fileHits(ctx, q, type);
  if (type === 'site') return siteHits(ctx, q);
  return [];
}

function query(ctx: RouteContext): GraphResponse {
  const request = parseRequest(readJsonBody(ctx.req.body, invalidJsonPayload));
  for (const type of request.entityTypes) {
    if (!SERVED.has(type))
      throw new GraphHttpError({
        status: 501,
        code: 'NotImplemented',
        message: `The Graph emulator does not search entity type '${type}' (valid in Microsoft Graph v1.0; see docs/emulator-graph.md).`,
      });
    const needed = PERMISSIONS[type] ?? [];
    if (!hasAnyScope(ctx.claims, needed))
      throw new GraphHttpError({
        status: 403,
        code: 'Forbidden',
        message: `Access to ${type} requires one of the following permissions: ${needed.join(', ')}.`,
      });
  }
  const q = searchTerms(request.queryString);
  const all = request.entityTypes.flatMap((t) => hitsFor(ctx, t, q));
  // message and event pages hold at most 25 results.
  const size = request.entityTypes.some((t) => t === 'message' || t === 'event')
    ? Math.min(request.size, 25)
    : request.size;
  const page = all.slice(request.from, request.from + size);
  const container: Record<string, unknown> = {
    total: all.length,
    moreResultsAvailable: request.from + page.length < all.length,
  };
  if (page.length > 0) container.hits = page.map((h, i) => ({ ...h, rank: request.from + i + 1 }));
  return jsonResponse(200, {
    '@odata.context': `${ctx.base}/$metadata#Collection(microsoft.graph.searchResponse)`,
    value: [{ searchTerms: q.terms, hitsContainers: [container] }],
  });
}

export const searchRoutes: Route[] = [
  { method: 'POST', pattern: /^\/search\/query\/?$/, scope: SCOPES.search, handler: query },
];
