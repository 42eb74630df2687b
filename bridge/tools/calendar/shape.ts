/**
 * Calendar shaping shared by the calendar tools: events as one list line or a detail block (peer text
 * through plainLine), the time window and zone inputs, and where an event or calendar lives in Graph
 * (the user's own mailbox, or another person's calendar read from their mailbox).
 */
import type { Calendar, Event } from '@microsoft/microsoft-graph-types';
import { z } from 'zod';
import { ToolError, type ToolContext } from '../tool.ts';
import { formatAddress, safeZoneName } from '../shared/define.ts';
import { resolveId } from '../shared/ids.ts';
import { pathSegment } from '../shared/paths.ts';
import { bodyToText, plainLine } from '../shared/text.ts';
import { parseInstant } from '../shared/time.ts';
import type { Interval } from '../shared/free-slots.ts';

export type GraphEvent = Event & { id: string };
export type GraphCalendar = Calendar & { id: string };

export const DAY_MS = 86_400_000;
export const EVENT_SELECT =
  'id,subject,bodyPreview,start,end,location,organizer,attendees,isAllDay,isCancelled,isOrganizer,isOnlineMeeting,onlineMeeting,responseStatus,showAs,webLink';

// ---- shared inputs --------------------------------------------------------------------------------

export const eventIdInput = z.string().min(1).max(1000).describe('From list_events.');
export const zoneInput = z.string().max(100).optional().describe('IANA or Windows zone for shown times; default UTC.');
export const calendarInput = z
  .string()
  .min(1)
  .max(1000)
  .optional()
  .describe("Calendar id from list_calendars, or a person's email to read the calendar they share with you.");

// ---- where an event lives ------------------------------------------------------------------------

/** The mailbox (and calendar) a request goes to. */
export interface CalendarTarget {
  /** Path prefix for events: `/me` or `/users/{owner}/calendar` (another person's shared calendar). */
  eventsRoot: string;
  eventsRootTemplate: string;
  /** calendarView path and its template. */
  view: string;
  viewTemplate: string;
  /** Scopes for reading there. */
  readScopes: readonly string[];
  /** The owner's address when it is another person's calendar. */
  owner?: string;
}

const EMAIL = /^[^\s@/\\?#]+@[^\s@/\\?#]+$/;

/**
 * `calendar` input → where to read. Absent: the user's default calendar (Calendars.Read). A calendar id
 * (or its handle): that calendar of the user's, including one shared with them that they added
 * (Calendars.Read). An email: the owner's primary calendar from their own mailbox, which needs
 * Calendars.Read.Shared (on demand).
 */
export async function calendarTarget(
  ctx: ToolContext,
  calendar: string | undefined,
  scopes: { read: readonly string[]; shared: readonly string[] },
): Promise<CalendarTarget> {
  const me = { eventsRoot: '/me', eventsRootTemplate: '/me', readScopes: scopes.read };
  if (calendar === undefined) return { ...me, view: '/me/calendarView', viewTemplate: '/me/calendarView' };
  const value = calendar.trim();
  if (EMAIL.test(value)) {
    const root = `/users/${pathSegment(value)}/calendar`;
    return {
      eventsRoot: root,
      eventsRootTemplate: '/users/{id}/calendar',
      view: `${root}/calendarView`,
      viewTemplate: '/users/{id}/calendar/calendarView',
      readScopes: scopes.shared,
      owner: value,
    };
  }
  const id = await resolveId(ctx, 'calendar', value);
  return {
    ...me,
    view: `/me/calendars/${pathSegment(id)}/calendarView`,
    viewTemplate: '/me/calendars/{id}/calendarView',
  };
}

// ---- shaping -------------------------------------------------------------------------------------

export interface ShapedEvent {
  id: string;
  subject: string;
  start: string;
  end: string;
  timeZone: string;
  isAllDay: boolean;
  isCancelled: boolean;
  isOrganizer?: boolean;
  location?: string;
  organizer?: string;
  attendees: string[];
  isOnlineMeeting: boolean;
  joinUrl?: string;
  showAs?: string;
  myResponse?: string;
  preview?: string;
  body?: string;
  webLink?: string;
}

export interface ShapeOptions {
  /** The id the model sees (its short handle). */
  id: string;
  previewChars: number;
  /** The body, already cut (get_event). */
  body?: string;
}

function attendeeText(a: NonNullable<Event['attendees']>[number]): string {
  const response = a.status?.response;
  const extra = [a.type && a.type !== 'required' ? a.type : '', response && response !== 'none' ? response : '']
    .filter(Boolean)
    .join(', ');
  return extra ? `${formatAddress(a.emailAddress)} (${extra})` : formatAddress(a.emailAddress);
}

export function shapeEvent(e: Event, options: ShapeOptions): ShapedEvent {
  const out: ShapedEvent = {
    id: options.id,
    subject: plainLine(e.subject, 300) || '(no subject)',
    start: (e.start?.dateTime ?? '').replace(/\.\d+$/, ''),
    end: (e.end?.dateTime ?? '').replace(/\.\d+$/, ''),
    timeZone: plainLine(e.start?.timeZone, 100) || 'UTC',
    isAllDay: e.isAllDay ?? false,
    isCancelled: e.isCancelled ?? false,
    attendees: (e.attendees ?? []).map(attendeeText),
    isOnlineMeeting: e.isOnlineMeeting ?? false,
  };
  if (typeof e.isOrganizer === 'boolean') out.isOrganizer = e.isOrganizer;
  if (e.location?.displayName) out.location = plainLine(e.location.displayName, 200);
  if (e.organizer?.emailAddress) out.organizer = formatAddress(e.organizer.emailAddress);
  if (e.onlineMeeting?.joinUrl) out.joinUrl = plainLine(e.onlineMeeting.joinUrl, 2000);
  if (e.showAs) out.showAs = e.showAs;
  if (e.responseStatus?.response) out.myResponse = e.responseStatus.response;
  if (e.bodyPreview && options.previewChars > 0) out.preview = plainLine(e.bodyPreview, options.previewChars);
  if (options.body) out.body = options.body;
  if (e.webLink) out.webLink = plainLine(e.webLink, 2000);
  return out;
}

/** The event's body as plain text ('' without one). */
export function eventBodyText(e: Event): string {
  const body = e.body;
  return body ? bodyToText({ contentType: body.contentType ?? 'text', content: body.content ?? '' }) : '';
}

export function when(e: Pick<ShapedEvent, 'start' | 'end' | 'timeZone' | 'isAllDay'>): string {
  const start = e.start.replace('T', ' ').slice(0, 16);
  const end = e.end.replace('T', ' ').slice(0, 16);
  const endShort = end.slice(0, 10) === start.slice(0, 10) ? end.slice(11) : end;
  return e.isAllDay ? `${start.slice(0, 10)} (all day)` : `${start}–${endShort} ${e.timeZone}`;
}

export function eventLine(e: ShapedEvent): string {
  const parts = [`${e.isCancelled ? '[cancelled] ' : ''}${e.subject}`, when(e)];
  if (e.location) parts.push(`at ${e.location}`);
  if (e.organizer) parts.push(e.isOrganizer ? 'you organize' : `organizer ${e.organizer}`);
  if (e.attendees.length > 0) parts.push(`${e.attendees.length} attendee(s)`);
  if (e.isOnlineMeeting) parts.push('online');
  if (e.myResponse && e.myResponse !== 'none' && e.myResponse !== 'organizer') parts.push(`you: ${e.myResponse}`);
  return `- [${e.id}] ${parts.join(' | ')}`;
}

export function eventDetail(e: ShapedEvent): string {
  const lines = [`Subject: ${e.subject}`, `When: ${when(e)}`];
  if (e.isCancelled) lines.push('Status: cancelled');
  if (e.location) lines.push(`Location: ${e.location}`);
  if (e.organizer) lines.push(`Organizer: ${e.organizer}${e.isOrganizer ? ' (you)' : ''}`);
  if (e.attendees.length > 0) lines.push(`Attendees: ${e.attendees.join('; ')}`);
  if (e.joinUrl) lines.push(`Join: ${e.joinUrl}`);
  else if (e.isOnlineMeeting) lines.push('Online meeting: yes');
  if (e.showAs) lines.push(`Show as: ${e.showAs}`);
  if (e.myResponse) lines.push(`Your response: ${e.myResponse}`);
  if (e.webLink) lines.push(`Link: ${e.webLink}`);
  lines.push(`id: ${e.id}`);
  if (e.body) lines.push('', e.body);
  return lines.join('\n');
}

// ---- time inputs ---------------------------------------------------------------------------------

/** `Prefer: outlook.timezone="…"` for a zone name, refusing anything that could break the header. */
export function zoneHeader(timeZone: string | undefined): Record<string, string> | undefined {
  if (timeZone === undefined) return undefined;
  assertZoneName(timeZone);
  return { Prefer: `outlook.timezone="${timeZone}"` };
}

export function assertZoneName(timeZone: string): void {
  if (!safeZoneName(timeZone)) {
    throw new ToolError('INVALID_INPUT', `timeZone "${timeZone}" is not a time zone name such as Europe/Berlin.`);
  }
}

export function resolveWindow(
  input: { start?: string | undefined; end?: string | undefined },
  now: number,
  maxDays: number,
): Interval {
  const start = input.start !== undefined ? parseInstant(input.start, 'start') : now;
  const end = input.end !== undefined ? parseInstant(input.end, 'end') : start + 7 * DAY_MS;
  if (end <= start) throw new ToolError('INVALID_INPUT', 'end must be after start.');
  if (end - start > maxDays * DAY_MS) {
    throw new ToolError('INVALID_INPUT', `The window is longer than ${maxDays} days; use a shorter range.`);
  }
  return { start, end };
}

/** "2026-05-04 09:00 – 2026-05-04 09:30 (Europe/Berlin)" for a dateTimeTimeZone pair about to be written. */
export function wallWhen(start: { dateTime: string; timeZone: string }, end: { dateTime: string }): string {
  return `${start.dateTime.replace('T', ' ').slice(0, 16)} – ${end.dateTime.replace('T', ' ').slice(0, 16)} (${start.timeZone})`;
}
