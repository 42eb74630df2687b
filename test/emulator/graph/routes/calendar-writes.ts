/**
 * Calendar writes (spec §9.9): create (default or a given own calendar; attendees who are tenant
 * users get the meeting in their calendar), PATCH (the organizer's changes reach the attendees'
 * copies; new tenant attendees are invited), DELETE, cancel (organizer only — Graph's 400 for anyone
 * else) and accept/decline/tentativelyAccept. Cancelling, or the organizer deleting a meeting, sends
 * the attendees a cancellation: their copy turns `isCancelled` with "Canceled: " before the subject,
 * and a "Canceled: …" message (with the comment) lands in their Inbox. Writes to a calendar shared
 * with the caller read-only → 403 ErrorAccessDenied.
 */
import { badRequest, invalidJsonPayload } from '../errors.ts';
import { emptyResponse, jsonResponse, readJsonBody, type GraphResponse } from '../http.ts';
import type { CalendarEvent, DateTimeTimeZone, DirectoryUser, ResponseType, UserCalendar } from '../model.ts';
import { meContext, type RouteContext } from '../router.ts';
import { newEvent } from '../seed/calendar.ts';
import { bodyPreview, htmlBody, newMessage } from '../seed/mail.ts';
import { isoZ } from '../seed/prng.ts';
import { folderById } from './mail-common.ts';
import { accessDenied, calendarOrThrow, calendarsOf, eventsOf, locateEvent, removeEvent } from './calendar-store.ts';
import { toUtcMs, utc } from './calendar-time.ts';

function tenantAttendees(
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

function bodyHtml(json: Record<string, unknown>): string | undefined {
  const body = json.body as { contentType?: unknown; content?: unknown } | undefined;
  if (body === undefined) return undefined;
  const content = typeof body.content === 'string' ? body.content : '';
  return typeof body.contentType === 'string' && body.contentType.toLowerCase() === 'html'
    ? content
    : htmlBody([content]);
}

function checkOrder(startMs: number | undefined, endMs: number | undefined): void {
  if (startMs !== undefined && endMs !== undefined && endMs < startMs)
    throw badRequest(
      'ErrorInvalidRequest',
      "Your request can't be completed. The end time must be after the start time.",
    );
}

/** The attendees' copies of a meeting (same iCalUId in their default calendars). */
function attendeeCopies(ctx: RouteContext, e: CalendarEvent): { user: DirectoryUser; copy: CalendarEvent }[] {
  const out: { user: DirectoryUser; copy: CalendarEvent }[] = [];
  for (const a of e.attendees) {
    const user = ctx.store.findUser(a.emailAddress.address);
    if (!user || user.id === ctx.me.id) continue;
    const copy = ctx.store.user(user.id).events.find((x) => x.iCalUId === e.iCalUId);
    if (copy) out.push({ user, copy });
  }
  return out;
}

function inviteCopy(ctx: RouteContext, user: DirectoryUser, e: CalendarEvent): void {
  const copy = newEvent(ctx.store.rng(), {
    subject: e.subject,
    startMs: toUtcMs(e.start) ?? 0,
    endMs: toUtcMs(e.end) ?? 0,
    organizer: ctx.me,
    attendees: [],
    isOrganizer: false,
    isAllDay: e.isAllDay,
    online: e.isOnlineMeeting,
    location: e.location.displayName,
    bodyHtml: e.body.content,
    nowMs: ctx.nowMs,
  });
  copy.iCalUId = e.iCalUId;
  copy.attendees = e.attendees;
  ctx.store.user(user.id).events.push(copy);
}

/** Sends the attendees a cancellation: their copy is cancelled and a message reaches their Inbox. */
function sendCancellation(ctx: RouteContext, e: CalendarEvent, comment: string): void {
  const subject = `Canceled: ${e.subject}`;
  const html = htmlBody([comment || 'This meeting has been cancelled.']);
  for (const { user, copy } of attendeeCopies(ctx, e)) {
    Object.assign(copy, { isCancelled: true, subject, lastModifiedDateTime: isoZ(ctx.nowMs) });
    const theirs = ctx.store.user(user.id);
    const inbox = folderById(theirs, 'inbox');
    if (!inbox) continue;
    const me = { emailAddress: { name: ctx.me.displayName, address: ctx.me.mail } };
    theirs.messages.push(
      newMessage(ctx.store.rng(), {
        subject,
        parentFolderId: inbox.id,
        receivedDateTime: isoZ(ctx.nowMs),
        sentDateTime: isoZ(ctx.nowMs),
        importance: 'high',
        isRead: false,
        from: me,
        sender: me,
        toRecipients: e.attendees.map((a) => ({ emailAddress: a.emailAddress })),
        body: { contentType: 'html', content: html },
      }),
    );
  }
}

function writableCalendar(ctx: RouteContext, id: string | undefined): UserCalendar {
  const cal = id === undefined ? calendarsOf(ctx)[0] : calendarOrThrow(ctx, id);
  if (!cal) throw accessDenied();
  if (!cal.calendar.canEdit) throw accessDenied();
  return cal;
}

/** POST /me/events, /me/calendar/events, /me/calendars/{id}/events. */
export function createEvent(ctx: RouteContext, calendarId?: string): GraphResponse {
  const cal = writableCalendar(ctx, calendarId);
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  const startMs = toUtcMs(json.start as DateTimeTimeZone | undefined);
  const endMs = toUtcMs(json.end as DateTimeTimeZone | undefined);
  if (startMs === undefined || endMs === undefined)
    throw badRequest(
      'ErrorInvalidRequest',
      "Your request can't be completed. The start and end date-times are required.",
    );
  checkOrder(startMs, endMs);
  const { users, external } = tenantAttendees(ctx, json.attendees);
  const html = bodyHtml(json) ?? htmlBody(['']);
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
  eventsOf(ctx, cal).push(event);
  for (const u of input.attendees) inviteCopy(ctx, u, event);
  return jsonResponse(201, { '@odata.context': meContext(ctx, 'events/$entity'), ...event });
}

export function patchEvent(ctx: RouteContext): GraphResponse {
  const { event: e, writable } = locateEvent(ctx, ctx.params[0]);
  if (!writable) throw accessDenied();
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  const start = toUtcMs(json.start as DateTimeTimeZone | undefined);
  const end = toUtcMs(json.end as DateTimeTimeZone | undefined);
  checkOrder(start ?? toUtcMs(e.start), end ?? toUtcMs(e.end));
  if (typeof json.subject === 'string') e.subject = json.subject;
  if (start !== undefined) e.start = utc(start);
  if (end !== undefined) e.end = utc(end);
  const loc = (json.location as { displayName?: unknown } | undefined)?.displayName;
  if (typeof loc === 'string') {
    e.location = { displayName: loc, locationType: 'default' };
    e.locations = loc ? [{ displayName: loc, locationType: 'default' }] : [];
  }
  const html = bodyHtml(json);
  if (html !== undefined) {
    e.body = { contentType: 'html', content: html };
    e.bodyPreview = bodyPreview(html);
  }
  if (json.showAs === 'free' || json.showAs === 'busy' || json.showAs === 'tentative' || json.showAs === 'oof')
    e.showAs = json.showAs;
  if (typeof json.isOnlineMeeting === 'boolean') e.isOnlineMeeting = json.isOnlineMeeting;
  const before = new Set(attendeeCopies(ctx, e).map((c) => c.user.id));
  if (Array.isArray(json.attendees)) {
    const { users, external } = tenantAttendees(ctx, json.attendees);
    const kept = (address: string) =>
      e.attendees.find((a) => a.emailAddress.address.toLowerCase() === address.toLowerCase());
    e.attendees = [
      ...users.filter((u) => u.id !== ctx.me.id).map((u) => ({ name: u.displayName, address: u.mail })),
      ...external,
    ].map(
      (x) =>
        kept(x.address) ?? {
          type: 'required',
          status: { response: 'none', time: '0001-01-01T00:00:00Z' },
          emailAddress: x,
        },
    );
  }
  e.lastModifiedDateTime = isoZ(ctx.nowMs);
  if (e.isOrganizer) {
    // The organizer's update reaches the attendees: copies follow, new tenant attendees are invited.
    for (const { copy } of attendeeCopies(ctx, e))
      Object.assign(copy, {
        subject: e.subject,
        start: e.start,
        end: e.end,
        location: e.location,
        attendees: e.attendees,
      });
    for (const a of e.attendees) {
      const u = ctx.store.findUser(a.emailAddress.address);
      if (u && u.id !== ctx.me.id && !before.has(u.id) && !attendeeCopies(ctx, e).some((c) => c.user.id === u.id))
        inviteCopy(ctx, u, e);
    }
  }
  return jsonResponse(200, { '@odata.context': meContext(ctx, 'events/$entity'), ...e });
}

export function deleteEvent(ctx: RouteContext): GraphResponse {
  const { event, list, writable } = locateEvent(ctx, ctx.params[0]);
  if (!writable) throw accessDenied();
  // The organizer deleting a meeting cancels it for the attendees.
  if (event.isOrganizer && !event.isCancelled) sendCancellation(ctx, event, '');
  removeEvent(list, event);
  return emptyResponse(204);
}

function commentOf(json: Record<string, unknown>): string {
  const key = Object.keys(json).find((k) => k.toLowerCase() === 'comment');
  const value = key === undefined ? undefined : json[key];
  return typeof value === 'string' ? value : '';
}

/** POST /me/events/{id}/cancel {Comment}: organizer only; the event goes to Deleted Items (gone). */
export function cancelEvent(ctx: RouteContext): GraphResponse {
  const { event, list, writable } = locateEvent(ctx, ctx.params[0]);
  if (!writable) throw accessDenied();
  const json = ctx.req.body.length ? readJsonBody(ctx.req.body, invalidJsonPayload) : {};
  if (!event.isOrganizer)
    throw badRequest(
      'ErrorInvalidRequest',
      "Your request can't be completed. You need to be an organizer to cancel a meeting.",
    );
  sendCancellation(ctx, event, commentOf(json));
  removeEvent(list, event);
  return emptyResponse(202);
}

export function respond(ctx: RouteContext, response: ResponseType): GraphResponse {
  const { event: e, list, writable } = locateEvent(ctx, ctx.params[0]);
  if (!writable) throw accessDenied();
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
  if (response === 'declined') removeEvent(list, e);
  return emptyResponse(202);
}
