/**
 * Where calendars and events live for the calendar routes: the caller's calendar list (default,
 * own, and calendars others share with them), another user's primary calendar read through
 * Calendars.Read.Shared, and an event found by id in any calendar of the caller's mailbox.
 */
import { GraphHttpError, notFound, outlookNotFound } from '../errors.ts';
import type { CalendarEvent, DirectoryUser, UserCalendar } from '../model.ts';
import type { RouteContext } from '../router.ts';
import { sharesCalendarWith } from '../seed/calendar.ts';

export function accessDenied(): GraphHttpError {
  return new GraphHttpError({
    status: 403,
    code: 'ErrorAccessDenied',
    message: 'Access is denied. Check credentials and try again.',
  });
}

export function calendarsOf(ctx: RouteContext): UserCalendar[] {
  return ctx.store.user(ctx.me.id).calendars;
}

/** The live array of a calendar's events (a shared calendar shows its owner's default calendar). */
export function eventsOf(ctx: RouteContext, cal: UserCalendar): CalendarEvent[] {
  if (cal.sharedBy !== undefined) return ctx.store.user(cal.sharedBy).events;
  if (cal.calendar.isDefaultCalendar) return ctx.store.user(ctx.me.id).events;
  return (cal.events ??= []);
}

export function calendarOrThrow(ctx: RouteContext, id: string | undefined): UserCalendar {
  const cal = calendarsOf(ctx).find((c) => c.calendar.id === id);
  if (!cal) throw outlookNotFound();
  return cal;
}

export interface LocatedEvent {
  event: CalendarEvent;
  /** The array holding it (remove with splice, so other references stay current). */
  list: CalendarEvent[];
  writable: boolean;
}

/** An event of the caller's mailbox by id, in any of their calendars. */
export function locateEvent(ctx: RouteContext, id: string | undefined): LocatedEvent {
  for (const cal of calendarsOf(ctx)) {
    const list = eventsOf(ctx, cal);
    const event = list.find((e) => e.id === id);
    if (event) return { event, list, writable: cal.calendar.canEdit };
  }
  throw outlookNotFound();
}

export function removeEvent(list: CalendarEvent[], event: CalendarEvent): void {
  const i = list.indexOf(event);
  if (i >= 0) list.splice(i, 1);
}

/**
 * Another user's primary calendar, read by the caller (`/users/{owner}/calendar/…`, which needs
 * Calendars.Read.Shared): only when that owner shares it with the caller.
 */
export function sharedOwnerOrThrow(ctx: RouteContext, key: string | undefined): DirectoryUser {
  const owner = ctx.store.findUser(key ?? '');
  if (!owner) throw notFound('ErrorInvalidUser', `The requested user '${key ?? ''}' is invalid.`);
  if (!sharesCalendarWith(owner.id, ctx.me.id, ctx.store.fixtureIds())) throw accessDenied();
  return owner;
}
