/**
 * Outlook calendar (spec §9.8–§9.9). Reads: the caller's calendars (`/me/calendars`, incl. one shared
 * with them: owner set, canEdit false), calendarView (window overlap) and events of the default
 * calendar or of one calendar, one event by id (any calendar of the mailbox), and another user's
 * primary calendar through `/users/{owner}/calendar/…` (Calendars.Read.Shared; 403 unless the owner
 * shares it with the caller). Times are UTC unless `Prefer: outlook.timezone="<IANA name>"` (Windows
 * zone names are not converted). Writes: calendar-writes.ts; getSchedule: calendar-schedule.ts.
 */
import { hasAnyScope } from '../auth.ts';
import { badRequest, outlookNotFound } from '../errors.ts';
import { jsonResponse, type GraphResponse } from '../http.ts';
import type { CalendarEvent, UserCalendar } from '../model.ts';
import { evaluateFilter, parseFilterParam } from '../odata/filter.ts';
import { applySelect, parseOrderBy, parseSelect, parseSkip, parseTop, sortBy } from '../odata/options.ts';
import { collection, skipPage } from '../odata/paging.ts';
import { meContext, type Route, type RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';
import { bodyAs, parsePrefer, preferenceApplied } from '../prefer.ts';
import { getSchedule } from './calendar-schedule.ts';
import { calendarOrThrow, calendarsOf, eventsOf, locateEvent, sharedOwnerOrThrow } from './calendar-store.ts';
import { eventEnd, eventStart, inZone, parseGraphDate, preferredZone } from './calendar-time.ts';
import { cancelEvent, createEvent, deleteEvent, patchEvent, respond } from './calendar-writes.ts';

export { parseGraphDate, toUtcMs } from './calendar-time.ts';

const EVENT_TYPE = 'microsoft.graph.event';
const CALENDAR_TYPE = 'microsoft.graph.calendar';
const PARSE = 'RequestBroker--ParseUri';

// ---------------------------------------------------------------------------------------------
// reads

function renderEvent(
  ctx: RouteContext,
  e: CalendarEvent,
  select: readonly string[] | undefined,
): Record<string, unknown> {
  const tz = preferredZone(ctx);
  const body = bodyAs(e.body, parsePrefer(ctx.req.headers.prefer).bodyContentType);
  const out = applySelect({ ...e, body, start: inZone(e.start, tz), end: inZone(e.end, tz) }, select);
  if (
    !hasAnyScope(ctx.claims, [
      'Calendars.Read',
      'Calendars.ReadWrite',
      'Calendars.Read.Shared',
      'Calendars.ReadWrite.Shared',
    ])
  ) {
    delete out.body;
    delete out.bodyPreview;
  }
  return out;
}

function headersFor(ctx: RouteContext): Record<string, string> {
  const tz = preferredZone(ctx);
  const bodyContentType = parsePrefer(ctx.req.headers.prefer).bodyContentType;
  return preferenceApplied({ ...(bodyContentType ? { bodyContentType } : {}), ...(tz ? { timeZone: tz } : {}) });
}

function queryParam(ctx: RouteContext, name: string): string | undefined {
  for (const [k, v] of ctx.req.query) if (k.toLowerCase() === name.toLowerCase()) return v;
  return undefined;
}

interface EventSource {
  events: readonly CalendarEvent[];
  /** `@odata.context` path below the mailbox, e.g. `calendarView` or `calendars('…')/events`. */
  context: string;
}

function listEvents(ctx: RouteContext, view: boolean, source: EventSource): GraphResponse {
  const q = ctx.req.query;
  let all = [...source.events];
  if (view) {
    const rawStart = queryParam(ctx, 'startDateTime');
    const rawEnd = queryParam(ctx, 'endDateTime');
    if (rawStart === undefined || rawEnd === undefined)
      throw badRequest(
        'ErrorInvalidParameter',
        'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
      );
    const start = parseGraphDate(rawStart);
    const end = parseGraphDate(rawEnd);
    if (start === undefined || end === undefined)
      throw badRequest('ErrorInvalidParameter', 'The value of the parameter StartDateTime or EndDateTime is invalid.');
    all = all.filter((e) => eventStart(e) < end && eventEnd(e) > start);
  }
  const filter = parseFilterParam(q.get('$filter'));
  if (filter) all = all.filter((e) => evaluateFilter(filter, e));
  const order = parseOrderBy(q);
  all = order ? sortBy(all, order) : all.sort((a, b) => eventStart(a) - eventStart(b));
  const select = parseSelect(q, { typeName: EVENT_TYPE, code: PARSE });
  const page = skipPage(all, {
    req: ctx.req,
    base: ctx.base,
    skip: parseSkip(q),
    top: parseTop(q, { def: 10, max: 1000 }),
  });
  const context = meContext(ctx, select ? `${source.context}(${select.join(',')})` : source.context);
  return jsonResponse(
    200,
    collection(context, { ...page, items: page.items.map((e) => renderEvent(ctx, e, select)) }),
    headersFor(ctx),
  );
}

function defaultSource(ctx: RouteContext, view: boolean): EventSource {
  return { events: ctx.store.user(ctx.me.id).events, context: view ? 'calendarView' : 'events' };
}

function calendarSource(ctx: RouteContext, view: boolean): EventSource {
  const cal = calendarOrThrow(ctx, ctx.params[0]);
  return { events: eventsOf(ctx, cal), context: `calendars('${cal.calendar.id}')/${view ? 'calendarView' : 'events'}` };
}

function sharedSource(ctx: RouteContext, view: boolean): EventSource {
  const owner = sharedOwnerOrThrow(ctx, ctx.params[0]);
  return { events: ctx.store.user(owner.id).events, context: view ? 'calendar/calendarView' : 'calendar/events' };
}

function eventEntity(ctx: RouteContext, e: CalendarEvent): GraphResponse {
  const select = parseSelect(ctx.req.query, { typeName: EVENT_TYPE, code: PARSE });
  return jsonResponse(
    200,
    { '@odata.context': meContext(ctx, 'events/$entity'), ...renderEvent(ctx, e, select) },
    headersFor(ctx),
  );
}

function getEvent(ctx: RouteContext): GraphResponse {
  return eventEntity(ctx, locateEvent(ctx, ctx.params[0]).event);
}

function getSharedEvent(ctx: RouteContext): GraphResponse {
  const owner = sharedOwnerOrThrow(ctx, ctx.params[0]);
  const e = ctx.store.user(owner.id).events.find((x) => x.id === ctx.params[1]);
  if (!e) throw outlookNotFound();
  return eventEntity(ctx, e);
}

function renderCalendar(c: UserCalendar, select: readonly string[] | undefined): Record<string, unknown> {
  return applySelect(c.calendar, select);
}

function listCalendars(ctx: RouteContext): GraphResponse {
  const q = ctx.req.query;
  const select = parseSelect(q, { typeName: CALENDAR_TYPE, code: PARSE });
  let all = calendarsOf(ctx);
  const filter = parseFilterParam(q.get('$filter'));
  if (filter) all = all.filter((c) => evaluateFilter(filter, c.calendar));
  const page = skipPage(all, {
    req: ctx.req,
    base: ctx.base,
    skip: parseSkip(q),
    top: parseTop(q, { def: 10, max: 1000 }),
  });
  const context = meContext(ctx, select ? `calendars(${select.join(',')})` : 'calendars');
  return jsonResponse(200, collection(context, { ...page, items: page.items.map((c) => renderCalendar(c, select)) }));
}

function getCalendar(ctx: RouteContext, cal: UserCalendar, context: string): GraphResponse {
  const select = parseSelect(ctx.req.query, { typeName: CALENDAR_TYPE, code: PARSE });
  return jsonResponse(200, { '@odata.context': meContext(ctx, context), ...renderCalendar(cal, select) });
}

// ---------------------------------------------------------------------------------------------

const ID = '([^/]+)';
const read = SCOPES.calendarRead;
const write = SCOPES.calendarWrite;
const shared = SCOPES.calendarShared;
const get = (pattern: RegExp, scope: Route['scope'], handler: Route['handler']): Route => ({
  method: 'GET',
  pattern,
  scope,
  handler,
});

export const calendarRoutes: Route[] = [
  get(/^\/me\/(?:calendar\/)?calendarView\/?$/i, read, (ctx) => listEvents(ctx, true, defaultSource(ctx, true))),
  get(/^\/me\/(?:calendar\/)?events\/?$/, read, (ctx) => listEvents(ctx, false, defaultSource(ctx, false))),
  get(/^\/me\/calendars\/?$/, read, listCalendars),
  get(/^\/me\/calendar\/?$/, read, (ctx) =>
    getCalendar(ctx, calendarOrThrow(ctx, calendarsOf(ctx)[0]?.calendar.id), 'calendar/$entity'),
  ),
  get(new RegExp(`^/me/calendars/${ID}/?$`), read, (ctx) =>
    getCalendar(ctx, calendarOrThrow(ctx, ctx.params[0]), 'calendars/$entity'),
  ),
  get(new RegExp(`^/me/calendars/${ID}/calendarView/?$`, 'i'), read, (ctx) =>
    listEvents(ctx, true, calendarSource(ctx, true)),
  ),
  get(new RegExp(`^/me/calendars/${ID}/events/?$`), read, (ctx) => listEvents(ctx, false, calendarSource(ctx, false))),
  get(new RegExp(`^/users/${ID}/calendar/calendarView/?$`, 'i'), shared, (ctx) =>
    listEvents(ctx, true, sharedSource(ctx, true)),
  ),
  get(new RegExp(`^/users/${ID}/calendar/events/?$`), shared, (ctx) =>
    listEvents(ctx, false, sharedSource(ctx, false)),
  ),
  get(new RegExp(`^/users/${ID}/calendar/events/${ID}/?$`), shared, getSharedEvent),
  { method: 'POST', pattern: /^\/me\/(?:calendar\/)?events\/?$/, scope: write, handler: (ctx) => createEvent(ctx) },
  {
    method: 'POST',
    pattern: new RegExp(`^/me/calendars/${ID}/events/?$`),
    scope: write,
    handler: (ctx) => createEvent(ctx, ctx.params[0]),
  },
  { method: 'POST', pattern: /^\/me\/calendar\/getSchedule\/?$/i, scope: read, handler: getSchedule },
  { method: 'POST', pattern: new RegExp(`^/me/events/${ID}/cancel$`), scope: write, handler: cancelEvent },
  {
    method: 'POST',
    pattern: new RegExp(`^/me/events/${ID}/accept$`),
    scope: write,
    handler: (ctx) => respond(ctx, 'accepted'),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/me/events/${ID}/decline$`),
    scope: write,
    handler: (ctx) => respond(ctx, 'declined'),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/me/events/${ID}/tentativelyAccept$`),
    scope: write,
    handler: (ctx) => respond(ctx, 'tentativelyAccepted'),
  },
  get(new RegExp(`^/me/events/${ID}/?$`), read, getEvent),
  { method: 'PATCH', pattern: new RegExp(`^/me/events/${ID}/?$`), scope: write, handler: patchEvent },
  { method: 'DELETE', pattern: new RegExp(`^/me/events/${ID}/?$`), scope: write, handler: deleteEvent },
];
