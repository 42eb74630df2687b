/**
 * Outlook calendar (spec §9.8–§9.9): calendarView (window overlap), events list/get/create/patch/
 * delete, accept/decline/tentativelyAccept, getSchedule. Times are UTC unless
 * `Prefer: outlook.timezone="<IANA name>"` (Windows zone names are not converted).
 */
import { hasAnyScope } from '../auth.ts';
import { badRequest, invalidJsonPayload, outlookNotFound } from '../errors.ts';
import { emptyResponse, jsonResponse, readJsonBody, type GraphResponse } from '../http.ts';
import type { CalendarEvent, DateTimeTimeZone, DirectoryUser, ResponseType } from '../model.ts';
import { evaluateFilter, FilterSyntaxError, parseFilter, type FilterExpr } from '../odata/filter.ts';
import { applySelect, parseOrderBy, parseSelect, parseSkip, parseTop, sortBy } from '../odata/options.ts';
import { collection, skipPage } from '../odata/paging.ts';
import { meContext, type Route, type RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';
import { bodyAs, parsePrefer, preferenceApplied } from '../prefer.ts';
import { newEvent } from '../seed/calendar.ts';
import { bodyPreview, htmlBody } from '../seed/mail.ts';
import { isoZ, outlookDateTime } from '../seed/prng.ts';

const EVENT_TYPE = 'microsoft.graph.event';
const EVENT_PROPS: ReadonlySet<string> = new Set([
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'categories',
  'iCalUId',
  'subject',
  'bodyPreview',
  'importance',
  'sensitivity',
  'isAllDay',
  'isCancelled',
  'isOrganizer',
  'responseRequested',
  'showAs',
  'type',
  'webLink',
  'isOnlineMeeting',
  'onlineMeetingProvider',
  'onlineMeeting',
  'isReminderOn',
  'reminderMinutesBeforeStart',
  'hasAttachments',
  'responseStatus',
  'body',
  'start',
  'end',
  'location',
  'locations',
  'attendees',
  'organizer',
]);

// ---------------------------------------------------------------------------------------------
// time helpers

/** Parses `2026-01-01T10:00:00[.0000000][Z|±hh:mm]`; a zone-less value is taken as UTC. */
export function parseGraphDate(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const t = v.trim();
  const ms = Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(t) ? t : `${t.replace(/\.\d+$/, '')}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Offset (ms) of `tz` at instant `ms` (wall − UTC). */
function zoneOffset(tz: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(ms / 1000) * 1000;
}

/** dateTimeTimeZone → UTC ms (IANA zones converted; UTC and unknown zones taken as UTC). */
export function toUtcMs(dt: DateTimeTimeZone | undefined): number | undefined {
  if (!dt || typeof dt.dateTime !== 'string') return undefined;
  const asUtc = parseGraphDate(dt.dateTime.replace(/(Z|[+-]\d{2}:\d{2})$/, ''));
  if (asUtc === undefined) return undefined;
  const tz = typeof dt.timeZone === 'string' ? dt.timeZone : 'UTC';
  if (tz.toUpperCase() === 'UTC' || !validZone(tz)) return asUtc;
  return asUtc - zoneOffset(tz, asUtc);
}

function preferredZone(ctx: RouteContext): string | undefined {
  const zone = parsePrefer(ctx.req.headers.prefer).timeZone;
  return zone && zone.toUpperCase() !== 'UTC' && validZone(zone) ? zone : undefined;
}

function inZone(dt: DateTimeTimeZone, tz: string | undefined): DateTimeTimeZone {
  if (!tz) return dt;
  const ms = toUtcMs(dt) ?? 0;
  return { dateTime: outlookDateTime(ms + zoneOffset(tz, ms)), timeZone: tz };
}

function eventStart(e: CalendarEvent): number {
  return toUtcMs(e.start) ?? 0;
}
function eventEnd(e: CalendarEvent): number {
  return toUtcMs(e.end) ?? 0;
}

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
  if (!hasAnyScope(ctx.claims, ['Calendars.Read', 'Calendars.ReadWrite'])) {
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

function eventFilter(raw: string | undefined): FilterExpr | undefined {
  if (raw === undefined) return undefined;
  try {
    return parseFilter(raw);
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw badRequest('BadRequest', 'Invalid filter clause');
    throw e;
  }
}

function listEvents(ctx: RouteContext, view: boolean): GraphResponse {
  const q = ctx.req.query;
  const state = ctx.store.user(ctx.me.id);
  let all = state.events;
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
  const filter = eventFilter(q.get('$filter'));
  if (filter) all = all.filter((e) => evaluateFilter(filter, e));
  const order = parseOrderBy(q);
  all = order ? sortBy(all, order) : [...all].sort((a, b) => eventStart(a) - eventStart(b));
  const select = parseSelect(q, { known: EVENT_PROPS, typeName: EVENT_TYPE, code: 'RequestBroker--ParseUri' });
  const page = skipPage(all, {
    req: ctx.req,
    base: ctx.base,
    skip: parseSkip(q),
    top: parseTop(q, { def: 10, max: 1000 }),
  });
  const path = view ? 'calendarView' : 'events';
  const context = meContext(ctx, select ? `${path}(${select.join(',')})` : path);
  return jsonResponse(
    200,
    collection(context, { ...page, items: page.items.map((e) => renderEvent(ctx, e, select)) }),
    headersFor(ctx),
  );
}

function eventOrThrow(ctx: RouteContext): CalendarEvent {
  const e = ctx.store.user(ctx.me.id).events.find((x) => x.id === ctx.params[0]);
  if (!e) throw outlookNotFound();
  return e;
}

function getEvent(ctx: RouteContext): GraphResponse {
  const e = eventOrThrow(ctx);
  const select = parseSelect(ctx.req.query, {
    known: EVENT_PROPS,
    typeName: EVENT_TYPE,
    code: 'RequestBroker--ParseUri',
  });
  return jsonResponse(
    200,
    { '@odata.context': meContext(ctx, 'events/$entity'), ...renderEvent(ctx, e, select) },
    headersFor(ctx),
  );
}

// ---------------------------------------------------------------------------------------------
// writes

function attendeeUsers(
  ctx: RouteContext,
  v: unknown,
): { users: DirectoryUser[]; external: { name: string; address: string }[] } {
  const users: DirectoryUser[] = [];
  const external: { name: string; address: string }[] = [];
  if (!Array.isArray(v)) return { users, external };
  for (const a of v as unknown[]) {
    const ea = (a as { emailAddress?: { address?: unknown; name?: unknown } } | null)?.emailAddress;
    if (!ea || typeof ea.address !== 'string') continue;
    const u = ctx.store.findUser(ea.address);
    if (u) users.push(u);
    else external.push({ address: ea.address, name: typeof ea.name === 'string' ? ea.name : ea.address });
  }
  return { users, external };
}

function createEvent(ctx: RouteContext): GraphResponse {
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  const startMs = toUtcMs(json.start as DateTimeTimeZone | undefined);
  const endMs = toUtcMs(json.end as DateTimeTimeZone | undefined);
  if (startMs === undefined || endMs === undefined)
    throw badRequest(
      'ErrorInvalidRequest',
      "Your request can't be completed. The start and end date-times are required.",
    );
  if (endMs < startMs)
    throw badRequest(
      'ErrorInvalidRequest',
      "Your request can't be completed. The end time must be after the start time.",
    );
  const { users, external } = attendeeUsers(ctx, json.attendees);
  const body = json.body as { contentType?: unknown; content?: unknown } | undefined;
  const content = typeof body?.content === 'string' ? body.content : '';
  const html =
    typeof body?.contentType === 'string' && body.contentType.toLowerCase() === 'html' ? content : htmlBody([content]);
  const location = (json.location as { displayName?: unknown } | undefined)?.displayName;
  const input = {
    subject: typeof json.subject === 'string' ? json.subject : '',
    startMs,
    endMs,
    organizer: ctx.me,
    attendees: users.filter((u) => u.id !== ctx.me.id),
    isAllDay: json.isAllDay === true,
    online: json.isOnlineMeeting === true,
    bodyHtml: html,
    nowMs: ctx.nowMs,
    ...(typeof location === 'string' ? { location } : {}),
  };
  const event = newEvent(ctx.store.rng(), { ...input, isOrganizer: true });
  for (const x of external)
    event.attendees.push({
      type: 'required',
      status: { response: 'none', time: '0001-01-01T00:00:00Z' },
      emailAddress: x,
    });
  event.bodyPreview = bodyPreview(html);
  ctx.store.user(ctx.me.id).events.push(event);
  for (const u of input.attendees) {
    const copy = newEvent(ctx.store.rng(), { ...input, isOrganizer: false });
    copy.iCalUId = event.iCalUId;
    copy.attendees = event.attendees;
    ctx.store.user(u.id).events.push(copy);
  }
  return jsonResponse(201, { '@odata.context': meContext(ctx, 'events/$entity'), ...event });
}

function patchEvent(ctx: RouteContext): GraphResponse {
  const e = eventOrThrow(ctx);
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  if (typeof json.subject === 'string') e.subject = json.subject;
  const start = toUtcMs(json.start as DateTimeTimeZone | undefined);
  const end = toUtcMs(json.end as DateTimeTimeZone | undefined);
  if (start !== undefined) e.start = { dateTime: outlookDateTime(start), timeZone: 'UTC' };
  if (end !== undefined) e.end = { dateTime: outlookDateTime(end), timeZone: 'UTC' };
  const loc = (json.location as { displayName?: unknown } | undefined)?.displayName;
  if (typeof loc === 'string') e.location = { displayName: loc, locationType: 'default' };
  if (json.showAs === 'free' || json.showAs === 'busy' || json.showAs === 'tentative' || json.showAs === 'oof')
    e.showAs = json.showAs;
  e.lastModifiedDateTime = isoZ(ctx.nowMs);
  return jsonResponse(200, { '@odata.context': meContext(ctx, 'events/$entity'), ...e });
}

function deleteEvent(ctx: RouteContext): GraphResponse {
  const e = eventOrThrow(ctx);
  const state = ctx.store.user(ctx.me.id);
  state.events = state.events.filter((x) => x.id !== e.id);
  return emptyResponse(204);
}

function respond(ctx: RouteContext, response: ResponseType): GraphResponse {
  const e = eventOrThrow(ctx);
  if (e.isOrganizer)
    throw badRequest(
      'ErrorInvalidRequest',
      "Your request can't be completed. You can't respond to this meeting because you're the meeting organizer.",
    );
  if (ctx.req.body.length) readJsonBody(ctx.req.body, invalidJsonPayload);
  const time = isoZ(ctx.nowMs);
  e.responseStatus = { response, time };
  e.showAs = response === 'tentativelyAccepted' ? 'tentative' : 'busy';
  // Update my attendee entry in the organizer's copy, if the organizer is a tenant user.
  const organizer = ctx.store.findUser(e.organizer.emailAddress.address);
  if (organizer) {
    const theirs = ctx.store.user(organizer.id).events.find((x) => x.iCalUId === e.iCalUId);
    const mine = theirs?.attendees.find((a) => a.emailAddress.address.toLowerCase() === ctx.me.mail.toLowerCase());
    if (mine) mine.status = { response, time };
  }
  if (response === 'declined') {
    const state = ctx.store.user(ctx.me.id);
    state.events = state.events.filter((x) => x.id !== e.id);
  }
  return emptyResponse(202);
}

// ---------------------------------------------------------------------------------------------
// getSchedule

const STATUS_CODE: Record<CalendarEvent['showAs'], string> = {
  free: '0',
  tentative: '1',
  busy: '2',
  oof: '3',
  workingElsewhere: '4',
  unknown: '0',
};
const STATUS_RANK: Record<CalendarEvent['showAs'], number> = {
  free: 0,
  unknown: 0,
  workingElsewhere: 1,
  tentative: 2,
  busy: 3,
  oof: 4,
};

function getSchedule(ctx: RouteContext): GraphResponse {
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  const schedules = Array.isArray(json.schedules)
    ? json.schedules.filter((s): s is string => typeof s === 'string')
    : [];
  const start = toUtcMs(json.startTime as DateTimeTimeZone | undefined);
  const end = toUtcMs(json.endTime as DateTimeTimeZone | undefined);
  if (schedules.length === 0 || start === undefined || end === undefined || end <= start)
    throw badRequest(
      'ErrorInvalidParameter',
      'Schedules, StartTime and EndTime are required, and EndTime must be after StartTime.',
    );
  const interval = typeof json.availabilityViewInterval === 'number' ? json.availabilityViewInterval : 30;
  if (interval < 5 || interval > 1440)
    throw badRequest('ErrorInvalidParameter', 'The availabilityViewInterval must be between 5 and 1440.');
  const value = schedules.map((scheduleId) => {
    const user = ctx.store.findUser(scheduleId);
    if (!user)
      return {
        scheduleId,
        availabilityView: '',
        scheduleItems: [],
        workingHours: null,
        error: {
          message: `The specified recipient(s) could not be found: ${scheduleId}`,
          responseCode: 'ErrorMailRecipientNotFound',
        },
      };
    const events = ctx.store
      .user(user.id)
      .events.filter((e) => !e.isCancelled && e.showAs !== 'free' && eventStart(e) < end && eventEnd(e) > start)
      .sort((a, b) => eventStart(a) - eventStart(b));
    let view = '';
    for (let t = start; t < end; t += interval * 60_000) {
      const slotEnd = t + interval * 60_000;
      const best = events
        .filter((e) => eventStart(e) < slotEnd && eventEnd(e) > t)
        .reduce<CalendarEvent['showAs']>(
          (acc, e) => (STATUS_RANK[e.showAs] > STATUS_RANK[acc] ? e.showAs : acc),
          'free',
        );
      view += STATUS_CODE[best];
    }
    return {
      scheduleId,
      availabilityView: view,
      scheduleItems: events.map((e) => ({
        isPrivate: e.sensitivity === 'private',
        status: e.showAs,
        subject: e.subject,
        location: e.location.displayName,
        isMeeting: e.attendees.length > 0,
        isRecurring: false,
        isException: false,
        isReminderSet: e.isReminderOn,
        start: e.start,
        end: e.end,
      })),
      workingHours: {
        daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
        startTime: '08:00:00.0000000',
        endTime: '17:00:00.0000000',
        timeZone: { name: 'UTC' },
      },
    };
  });
  return jsonResponse(200, {
    '@odata.context': `${ctx.base}/$metadata#Collection(microsoft.graph.scheduleInformation)`,
    value,
  });
}

const EV = '([^/]+)';
export const calendarRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/me\/(?:calendar\/)?calendarView\/?$/i,
    scope: SCOPES.calendarRead,
    handler: (ctx) => listEvents(ctx, true),
  },
  {
    method: 'GET',
    pattern: /^\/me\/(?:calendar\/)?events\/?$/,
    scope: SCOPES.calendarRead,
    handler: (ctx) => listEvents(ctx, false),
  },
  { method: 'POST', pattern: /^\/me\/(?:calendar\/)?events\/?$/, scope: SCOPES.calendarWrite, handler: createEvent },
  { method: 'POST', pattern: /^\/me\/calendar\/getSchedule\/?$/i, scope: SCOPES.calendarRead, handler: getSchedule },
  {
    method: 'POST',
    pattern: new RegExp(`^/me/events/${EV}/accept$`),
    scope: SCOPES.calendarWrite,
    handler: (ctx) => respond(ctx, 'accepted'),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/me/events/${EV}/decline$`),
    scope: SCOPES.calendarWrite,
    handler: (ctx) => respond(ctx, 'declined'),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/me/events/${EV}/tentativelyAccept$`),
    scope: SCOPES.calendarWrite,
    handler: (ctx) => respond(ctx, 'tentativelyAccepted'),
  },
  { method: 'GET', pattern: new RegExp(`^/me/events/${EV}/?$`), scope: SCOPES.calendarRead, handler: getEvent },
  { method: 'PATCH', pattern: new RegExp(`^/me/events/${EV}/?$`), scope: SCOPES.calendarWrite, handler: patchEvent },
  { method: 'DELETE', pattern: new RegExp(`^/me/events/${EV}/?$`), scope: SCOPES.calendarWrite, handler: deleteEvent },
];
