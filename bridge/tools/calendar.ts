/**
 * Calendar tools (modules in calendar/): list_calendars, list_events, get_event (read.ts);
 * create_event, update_event, respond_to_event (write.ts); find_free_times (free-times.ts).
 * Graph: /me/calendars, /me[/calendars/{id}]/calendarView, /users/{owner}/calendar/… (a calendar
 * another person shares, Calendars.Read.Shared on demand), /me/events/{id} (GET, PATCH, DELETE,
 * /cancel, /accept, /decline, /tentativelyAccept), POST /me/calendar/getSchedule.
 */
import type { ToolDefinition } from './tool.ts';
import { findFreeTimes } from './calendar/free-times.ts';
import { getEvent, listCalendars, listEvents, type CalendarToolDeps } from './calendar/read.ts';
import { createEvent, respondToEvent, updateEvent } from './calendar/write.ts';

export type { CalendarToolDeps } from './calendar/read.ts';
export { scheduleBusy } from './calendar/free-times.ts';

export function createCalendarTools(deps: CalendarToolDeps = { now: () => Date.now() }): ToolDefinition[] {
  return [listEvents(deps), getEvent, listCalendars, createEvent, updateEvent, respondToEvent, findFreeTimes(deps)];
}

export const calendarTools: ToolDefinition[] = createCalendarTools();
