/**
 * Calendar tools: list_events, get_event, create_event, respond_to_event, find_free_times.
 * Graph: /me/calendarView, /me/events/{id}, POST /me/events, POST /me/events/{id}/{accept|decline|
 * tentativelyAccept}, POST /me/calendar/getSchedule.
 */
import { z } from 'zod';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { ToolError, type ToolContext, type ToolDefinition } from './tool.ts';
import { CREATE_ANNOTATIONS, READ_ANNOTATIONS, defineTool, formatAddress, safeZoneName } from './shared/define.ts';
import { resolveId, shortId } from './shared/ids.ts';
import { cursorInput, listText, pageIds } from './shared/list.ts';
import { pathSegment } from './shared/paths.ts';
import { computeFreeSlots, workingWindows, type Interval } from './shared/free-slots.ts';
import { bodyToText, capText, clip, cutBody, plainLine } from './shared/text.ts';
import {
  formatInZone,
  graphDateTimeToMs,
  isValidTimeZone,
  parseClock,
  parseInstant,
  toIsoUtc,
  toWallDateTime,
} from './shared/time.ts';

const READ = GROUP_SCOPES.calendar.read;
const WRITE = GROUP_SCOPES.calendar.write;
const DAY_MS = 86_400_000;
const DEFAULT_BODY_CHARS = 8000;
const EVENT_SELECT =
  'id,subject,bodyPreview,start,end,location,organizer,attendees,isAllDay,isCancelled,isOnlineMeeting,onlineMeeting,responseStatus,showAs,webLink';

interface DateTimeZone {
  dateTime?: string;
  timeZone?: string;
}
interface EmailAddress {
  name?: string | null;
  address?: string | null;
}
interface GraphEvent {
  id: string;
  subject?: string | null;
  bodyPreview?: string | null;
  body?: { contentType?: string; content?: string } | null;
  start?: DateTimeZone | null;
  end?: DateTimeZone | null;
  location?: { displayName?: string | null } | null;
  organizer?: { emailAddress?: EmailAddress } | null;
  attendees?: { emailAddress?: EmailAddress; type?: string; status?: { response?: string } }[] | null;
  isAllDay?: boolean;
  isCancelled?: boolean;
  isOnlineMeeting?: boolean;
  onlineMeeting?: { joinUrl?: string | null } | null;
  responseStatus?: { response?: string } | null;
  showAs?: string;
  webLink?: string;
}

const eventShape = z.object({
  id: z.string(),
  subject: z.string(),
  start: z.string().describe('Wall-clock start in timeZone'),
  end: z.string(),
  timeZone: z.string(),
  isAllDay: z.boolean(),
  isCancelled: z.boolean(),
  location: z.string().optional(),
  organizer: z.string().optional(),
  attendees: z.array(z.string()),
  isOnlineMeeting: z.boolean(),
  joinUrl: z.string().optional(),
  showAs: z.string().optional(),
  myResponse: z.string().optional(),
  preview: z.string().optional(),
  body: z.string().optional(),
  webLink: z.string().optional(),
});
type ShapedEvent = z.infer<typeof eventShape>;

interface ShapeOptions {
  /** The id the model sees (its short handle). */
  id: string;
  previewChars: number;
  /** The body, already cut (get_event). */
  body?: string;
}

function shapeEvent(e: GraphEvent, options: ShapeOptions): ShapedEvent {
  const out: ShapedEvent = {
    id: options.id,
    subject: plainLine(e.subject, 300) || '(no subject)',
    start: (e.start?.dateTime ?? '').replace(/\.\d+$/, ''),
    end: (e.end?.dateTime ?? '').replace(/\.\d+$/, ''),
    timeZone: e.start?.timeZone ?? 'UTC',
    isAllDay: e.isAllDay ?? false,
    isCancelled: e.isCancelled ?? false,
    attendees: (e.attendees ?? []).map((a) => {
      const response = a.status?.response;
      const extra = [a.type && a.type !== 'required' ? a.type : '', response && response !== 'none' ? response : '']
        .filter(Boolean)
        .join(', ');
      return extra ? `${formatAddress(a.emailAddress)} (${extra})` : formatAddress(a.emailAddress);
    }),
    isOnlineMeeting: e.isOnlineMeeting ?? false,
  };
  if (e.location?.displayName) out.location = plainLine(e.location.displayName, 200);
  if (e.organizer?.emailAddress) out.organizer = formatAddress(e.organizer.emailAddress);
  if (e.onlineMeeting?.joinUrl) out.joinUrl = e.onlineMeeting.joinUrl;
  if (e.showAs) out.showAs = e.showAs;
  if (e.responseStatus?.response) out.myResponse = e.responseStatus.response;
  if (e.bodyPreview && options.previewChars > 0) out.preview = plainLine(e.bodyPreview, options.previewChars);
  if (options.body) out.body = options.body;
  if (e.webLink) out.webLink = e.webLink;
  return out;
}

function when(e: ShapedEvent): string {
  const start = e.start.replace('T', ' ').slice(0, 16);
  const end = e.end.replace('T', ' ').slice(0, 16);
  const endShort = end.slice(0, 10) === start.slice(0, 10) ? end.slice(11) : end;
  return e.isAllDay ? `${start.slice(0, 10)} (all day)` : `${start}–${endShort} ${e.timeZone}`;
}

function eventLine(e: ShapedEvent): string {
  const parts = [`${e.isCancelled ? '[cancelled] ' : ''}${e.subject}`, when(e)];
  if (e.location) parts.push(`at ${e.location}`);
  if (e.organizer) parts.push(`organizer ${e.organizer}`);
  if (e.attendees.length > 0) parts.push(`${e.attendees.length} attendee(s)`);
  if (e.isOnlineMeeting) parts.push('online');
  if (e.myResponse && e.myResponse !== 'none' && e.myResponse !== 'organizer') parts.push(`you: ${e.myResponse}`);
  return `- [${e.id}] ${parts.join(' | ')}`;
}

function eventDetail(e: ShapedEvent): string {
  const lines = [`Subject: ${e.subject}`, `When: ${when(e)}`];
  if (e.isCancelled) lines.push('Status: cancelled');
  if (e.location) lines.push(`Location: ${e.location}`);
  if (e.organizer) lines.push(`Organizer: ${e.organizer}`);
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

function zoneHeader(timeZone: string | undefined): Record<string, string> | undefined {
  if (timeZone === undefined) return undefined;
  if (!safeZoneName(timeZone)) {
    throw new ToolError('INVALID_INPUT', `timeZone "${timeZone}" is not a time zone name such as Europe/Berlin.`);
  }
  return { Prefer: `outlook.timezone="${timeZone}"` };
}

function resolveWindow(
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

export interface CalendarToolDeps {
  /** The clock (default windows start "now"). */
  now(): number;
}

// ------------------------------------------------------------------------------------------------

function listEvents(deps: CalendarToolDeps) {
  return defineTool({
    name: 'list_events',
    group: 'calendar',
    title: 'List calendar events',
    description:
      "Lists events (including each occurrence of recurring meetings) in the signed-in user's calendar between start and end, " +
      'earliest first. Default window: now to 7 days from now. Returns subject, time, location, organizer, attendee count and id ' +
      '(use get_event for the full body and attendee list). Pages with a cursor.',
    scopes: READ,
    write: false,
    inputSchema: {
      start: z
        .string()
        .optional()
        .describe('Window start, ISO 8601 (e.g. 2026-05-04T00:00:00Z). No offset = UTC. Default: now.'),
      end: z
        .string()
        .optional()
        .describe('Window end, ISO 8601. Default: start + 7 days. At most 92 days after start.'),
      timeZone: z
        .string()
        .optional()
        .describe(
          'Show event times in this zone (IANA like Europe/Berlin or Windows like "Pacific Standard Time"). Default UTC.',
        ),
      top: z.number().int().min(1).max(50).default(25).describe('Events per page (1–50).'),
      cursor: cursorInput,
    },
    outputSchema: {
      window: z.object({ start: z.string(), end: z.string() }),
      events: z.array(eventShape),
      nextCursor: z.string().nullable(),
    },
    annotations: READ_ANNOTATIONS,
    async run(input, ctx) {
      const window = resolveWindow(input, deps.now(), 92);
      const headers = zoneHeader(input.timeZone);
      const page = await ctx.graph.page<GraphEvent>(
        {
          method: 'GET',
          path: '/me/calendarView',
          pathTemplate: '/me/calendarView',
          query: {
            startDateTime: toIsoUtc(window.start),
            endDateTime: toIsoUtc(window.end),
            $select: EVENT_SELECT,
            $orderby: 'start/dateTime',
            $top: input.top,
          },
          ...(headers ? { headers } : {}),
          scopes: READ,
        },
        input.cursor,
      );
      const ids = await pageIds(ctx, 'event', page.items);
      const events = page.items.map((e, i) => shapeEvent(e, { id: ids[i] ?? e.id, previewChars: 100 }));
      const head = `${events.length} event(s) from ${toIsoUtc(window.start)} to ${toIsoUtc(window.end)}; [id] for get_event:`;
      return {
        text: listText(
          head,
          events.map(eventLine),
          page.nextCursor,
          ctx.limits.maxResultChars,
          'ask for fewer per page with top, or a shorter window',
        ),
        structured: {
          window: { start: toIsoUtc(window.start), end: toIsoUtc(window.end) },
          events,
          nextCursor: page.nextCursor,
        },
      };
    },
  });
}

const getEvent = defineTool({
  name: 'get_event',
  group: 'calendar',
  title: 'Get a calendar event',
  description:
    'Gets one event by id (from list_events): subject, time, location, organizer, every attendee with their response, ' +
    'online-meeting join link and the body as plain text (long bodies are cut with a note; maxBodyChars shows more).',
  scopes: READ,
  write: false,
  inputSchema: {
    eventId: z.string().min(1).max(1000).describe('Event id from list_events.'),
    timeZone: z.string().optional().describe('Show times in this zone (IANA or Windows name). Default UTC.'),
    maxBodyChars: z
      .number()
      .int()
      .min(200)
      .max(100_000)
      .optional()
      .describe(
        `Longest body text to return (default ${DEFAULT_BODY_CHARS} characters; at most what fits in one result). The body is cut with a note beyond it.`,
      ),
  },
  outputSchema: { event: eventShape },
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const zone = zoneHeader(input.timeZone)?.Prefer;
    const prefer = zone ? `outlook.body-content-type="text", ${zone}` : 'outlook.body-content-type="text"';
    const graphId = await resolveId(ctx, 'event', input.eventId);
    const e = await ctx.graph.request<GraphEvent>({
      method: 'GET',
      path: `/me/events/${pathSegment(graphId)}`,
      pathTemplate: '/me/events/{id}',
      query: { $select: `${EVENT_SELECT},body` },
      headers: { Prefer: prefer },
      scopes: READ,
    });
    const id = await shortId(ctx, 'event', e.id);
    const details = eventDetail(shapeEvent(e, { id, previewChars: 0 }));
    // The body (and its cut note) gets what is left of one result after the details.
    const body = cutBody(bodyToText(e.body), {
      requested: input.maxBodyChars ?? DEFAULT_BODY_CHARS,
      room: ctx.limits.maxResultChars - details.length - 2,
      option: 'maxBodyChars',
      elsewhere: e.webLink
        ? `open the event in Outlook to read the rest: ${clip(e.webLink, 1000)}`
        : 'open the event in Outlook',
    });
    const event = shapeEvent(e, { id, previewChars: 0, body: body.text });
    const text = capText(eventDetail(event), ctx.limits.maxResultChars, 'open the event in Outlook').text;
    return { text, structured: { event } };
  },
});

const createEvent = defineTool({
  name: 'create_event',
  group: 'calendar',
  title: 'Create a calendar event',
  description:
    "Creates an event in the signed-in user's calendar. With attendees, Outlook sends them invitations. " +
    'Times are wall-clock times in timeZone (default UTC). The user is asked to approve first. Returns the new event.',
  scopes: WRITE,
  write: true,
  inputSchema: {
    subject: z.string().min(1).max(255).describe('Event title.'),
    start: z.string().describe('Start as local date-time in timeZone, e.g. 2026-05-04T09:00:00.'),
    end: z.string().describe('End as local date-time in timeZone, e.g. 2026-05-04T09:30:00.'),
    timeZone: z
      .string()
      .default('UTC')
      .describe(
        'Time zone of start/end (IANA like Europe/Berlin or Windows like "W. Europe Standard Time"). Default UTC.',
      ),
    attendees: z.array(z.email()).max(50).default([]).describe('Email addresses to invite (required attendees).'),
    location: z.string().max(255).optional().describe('Location name, e.g. a room.'),
    body: z.string().max(20000).optional().describe('Description (plain text).'),
    isOnlineMeeting: z.boolean().default(false).describe('Add a Teams meeting link.'),
  },
  outputSchema: { event: eventShape },
  annotations: CREATE_ANNOTATIONS,
  async run(input, ctx) {
    if (!safeZoneName(input.timeZone)) {
      throw new ToolError(
        'INVALID_INPUT',
        `timeZone "${input.timeZone}" is not a time zone name such as Europe/Berlin.`,
      );
    }
    const start = toWallDateTime(input.start, input.timeZone, 'start');
    const end = toWallDateTime(input.end, input.timeZone, 'end');
    if (start.timeZone === end.timeZone && end.dateTime <= start.dateTime) {
      throw new ToolError('INVALID_INPUT', 'end must be after start.');
    }
    const whenText = `${start.dateTime.replace('T', ' ').slice(0, 16)} – ${end.dateTime.replace('T', ' ').slice(0, 16)} (${start.timeZone})`;
    const who = input.attendees.length > 0 ? ` with ${input.attendees.join(', ')} (invitations will be sent)` : '';
    const details: Record<string, string> = { Subject: input.subject, When: whenText };
    if (input.attendees.length > 0) details.Attendees = input.attendees.join(', ');
    if (input.location) details.Location = input.location;
    if (input.isOnlineMeeting) details['Online meeting'] = 'Teams link';
    if (input.body) details.Body = clip(input.body, 500);
    await ctx.approve(clip(`Create event "${input.subject}" on ${whenText}${who}`, 1000), details);

    const body: Record<string, unknown> = {
      subject: input.subject,
      start,
      end,
      attendees: input.attendees.map((address) => ({ emailAddress: { address }, type: 'required' })),
    };
    if (input.location) body.location = { displayName: input.location };
    if (input.body) body.body = { contentType: 'text', content: input.body };
    if (input.isOnlineMeeting) {
      body.isOnlineMeeting = true;
      body.onlineMeetingProvider = 'teamsForBusiness';
    }
    const created = await ctx.graph.request<GraphEvent>({
      method: 'POST',
      path: '/me/events',
      pathTemplate: '/me/events',
      body,
      scopes: WRITE,
    });
    const event = shapeEvent(created, { id: await shortId(ctx, 'event', created.id), previewChars: 0 });
    return { text: `Created event.\n${eventDetail(event)}`, structured: { event } };
  },
});

const RESPONSE_ACTIONS = { accept: 'accept', decline: 'decline', tentative: 'tentativelyAccept' } as const;
const PAST = { accept: 'Accepted', decline: 'Declined', tentative: 'Tentatively accepted' } as const;

const respondToEvent = defineTool({
  name: 'respond_to_event',
  group: 'calendar',
  title: 'Respond to a meeting invitation',
  description:
    'Accepts, declines or tentatively accepts a meeting invitation by event id, optionally with a comment to the organizer. ' +
    'The user is asked to approve first.',
  scopes: WRITE,
  write: true,
  inputSchema: {
    eventId: z.string().min(1).max(1000).describe('Event id from list_events.'),
    response: z.enum(['accept', 'decline', 'tentative']).describe('The answer.'),
    comment: z.string().max(2000).optional().describe('Optional message to the organizer.'),
    sendResponse: z.boolean().default(true).describe('Send the response to the organizer (default true).'),
  },
  outputSchema: { eventId: z.string(), response: z.string(), subject: z.string() },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run(input, ctx) {
    const path = `/me/events/${pathSegment(await resolveId(ctx, 'event', input.eventId))}`;
    const e = await ctx.graph.request<GraphEvent>({
      method: 'GET',
      path,
      pathTemplate: '/me/events/{id}',
      query: { $select: 'id,subject,start,end,organizer' },
      scopes: WRITE,
    });
    const shaped = shapeEvent(e, { id: input.eventId, previewChars: 0 });
    const verb = { accept: 'Accept', decline: 'Decline', tentative: 'Tentatively accept' }[input.response];
    const from = shaped.organizer ? ` from ${shaped.organizer}` : '';
    const comment = input.comment ? ` with comment "${clip(input.comment, 200)}"` : '';
    const details: Record<string, string> = { Event: shaped.subject, When: when(shaped), Response: input.response };
    if (shaped.organizer) details.Organizer = shaped.organizer;
    if (input.comment) details.Comment = clip(input.comment, 2000);
    if (!input.sendResponse) details['Notify organizer'] = 'no';
    await ctx.approve(clip(`${verb} "${shaped.subject}" (${when(shaped)})${from}${comment}`, 1000), details);

    const body: Record<string, unknown> = { sendResponse: input.sendResponse };
    if (input.comment) body.comment = input.comment;
    const action = RESPONSE_ACTIONS[input.response];
    await ctx.graph.request({
      method: 'POST',
      path: `${path}/${action}`,
      pathTemplate: `/me/events/{id}/${action}`,
      body,
      scopes: WRITE,
    });
    return {
      text: `${PAST[input.response]} "${shaped.subject}" (${when(shaped)}).`,
      structured: { eventId: input.eventId, response: input.response, subject: shaped.subject },
    };
  },
});

// ------------------------------------------------------------------------------------------------
// find_free_times

interface ScheduleInfo {
  scheduleId?: string;
  availabilityView?: string;
  scheduleItems?: { status?: string; start?: DateTimeZone; end?: DateTimeZone }[];
  error?: { message?: string; responseCode?: string } | null;
}

const BUSY_STATUSES = new Set(['busy', 'oof', 'workingElsewhere', 'tentative']);
const VIEW_INTERVAL_MINUTES = 15;

function isBusy(status: string | undefined, tentativeIsBusy: boolean): boolean {
  if (status === undefined) return true;
  if (status === 'tentative') return tentativeIsBusy;
  return BUSY_STATUSES.has(status);
}

/** Busy intervals of one schedule: its items, or (without items) its availabilityView string. */
export function scheduleBusy(info: ScheduleInfo, windowStart: number, tentativeIsBusy: boolean): Interval[] {
  const items = info.scheduleItems ?? [];
  if (items.length > 0) {
    return items.flatMap((item) => {
      const start = graphDateTimeToMs(item.start);
      const end = graphDateTimeToMs(item.end);
      return start !== null && end !== null && isBusy(item.status, tentativeIsBusy) ? [{ start, end }] : [];
    });
  }
  const view = info.availabilityView ?? '';
  const step = VIEW_INTERVAL_MINUTES * 60_000;
  const out: Interval[] = [];
  for (let i = 0; i < view.length; i++) {
    const c = view[i];
    if (c === '2' || c === '3' || c === '4' || (c === '1' && tentativeIsBusy)) {
      out.push({ start: windowStart + i * step, end: windowStart + (i + 1) * step });
    }
  }
  return out;
}

async function myBusy(ctx: ToolContext, window: Interval, tentativeIsBusy: boolean): Promise<Interval[]> {
  const busy: Interval[] = [];
  let cursor: string | undefined;
  for (let pageNo = 0; pageNo < 20; pageNo++) {
    const page = await ctx.graph.page<GraphEvent>(
      {
        method: 'GET',
        path: '/me/calendarView',
        pathTemplate: '/me/calendarView',
        query: {
          startDateTime: toIsoUtc(window.start),
          endDateTime: toIsoUtc(window.end),
          $select: 'id,start,end,showAs,isCancelled',
          $top: 50,
        },
        scopes: READ,
      },
      cursor,
    );
    for (const e of page.items) {
      const start = graphDateTimeToMs(e.start);
      const end = graphDateTimeToMs(e.end);
      if (start !== null && end !== null && !e.isCancelled && isBusy(e.showAs ?? 'busy', tentativeIsBusy)) {
        busy.push({ start, end });
      }
    }
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  return busy;
}

function findFreeTimes(deps: CalendarToolDeps) {
  return defineTool({
    name: 'find_free_times',
    group: 'calendar',
    title: 'Find free meeting times',
    description:
      "Finds time ranges when the signed-in user and the given attendees are all free, using the user's calendar and " +
      "the attendees' free/busy (getSchedule). By default only weekdays 09:00–17:00 in timeZone count. Returns up to " +
      'maxSlots free ranges at least durationMinutes long, earliest first; book one with create_event.',
    scopes: READ,
    write: false,
    inputSchema: {
      attendees: z.array(z.email()).max(20).default([]).describe('Email addresses whose free/busy to include.'),
      includeMe: z.boolean().default(true).describe("Include the signed-in user's own calendar (default true)."),
      start: z.string().optional().describe('Search from (ISO 8601; no offset = UTC). Default: now.'),
      end: z.string().optional().describe('Search until (ISO 8601). Default: start + 7 days. At most 62 days.'),
      durationMinutes: z.number().int().min(5).max(1440).default(30).describe('Meeting length in minutes.'),
      timeZone: z
        .string()
        .default('UTC')
        .describe('IANA time zone for working hours and displayed times, e.g. Europe/Berlin.'),
      workingHoursOnly: z.boolean().default(true).describe('Only weekdays between workdayStart and workdayEnd.'),
      workdayStart: z.string().default('09:00').describe('Start of the working day (HH:MM, in timeZone).'),
      workdayEnd: z.string().default('17:00').describe('End of the working day (HH:MM, in timeZone).'),
      tentativeIsBusy: z.boolean().default(true).describe('Treat tentative events as busy.'),
      maxSlots: z.number().int().min(1).max(50).default(10).describe('Most free ranges to return.'),
    },
    outputSchema: {
      window: z.object({ start: z.string(), end: z.string() }),
      timeZone: z.string(),
      durationMinutes: z.number(),
      participants: z.array(z.string()),
      slots: z.array(z.object({ start: z.string(), end: z.string(), local: z.string() })),
      more: z.boolean(),
      unavailable: z.array(z.object({ who: z.string(), reason: z.string() })),
    },
    annotations: READ_ANNOTATIONS,
    async run(input, ctx) {
      if (!input.includeMe && input.attendees.length === 0) {
        throw new ToolError('INVALID_INPUT', 'Give at least one attendee or set includeMe to true.');
      }
      if (!isValidTimeZone(input.timeZone)) {
        throw new ToolError(
          'INVALID_INPUT',
          `timeZone "${input.timeZone}" is not an IANA time zone such as Europe/Berlin.`,
        );
      }
      const dayStart = parseClock(input.workdayStart, 'workdayStart');
      const dayEnd = parseClock(input.workdayEnd, 'workdayEnd');
      if (input.workingHoursOnly && dayEnd <= dayStart)
        throw new ToolError('INVALID_INPUT', 'workdayEnd must be after workdayStart.');
      const raw = resolveWindow(input, deps.now(), 62);
      const quarter = VIEW_INTERVAL_MINUTES * 60_000;
      const window = { start: Math.ceil(raw.start / quarter) * quarter, end: raw.end };
      if (window.end <= window.start) throw new ToolError('INVALID_INPUT', 'The window is too short.');

      const busy: Interval[] = [];
      const unavailable: { who: string; reason: string }[] = [];
      const participants: string[] = [];
      if (input.includeMe) {
        busy.push(...(await myBusy(ctx, window, input.tentativeIsBusy)));
        participants.push('me');
      }
      if (input.attendees.length > 0) {
        const result = await ctx.graph.request<{ value?: ScheduleInfo[] }>({
          method: 'POST',
          path: '/me/calendar/getSchedule',
          pathTemplate: '/me/calendar/getSchedule',
          body: {
            schedules: input.attendees,
            startTime: { dateTime: toIsoUtc(window.start).slice(0, -1), timeZone: 'UTC' },
            endTime: { dateTime: toIsoUtc(window.end).slice(0, -1), timeZone: 'UTC' },
            availabilityViewInterval: VIEW_INTERVAL_MINUTES,
          },
          headers: { Prefer: 'outlook.timezone="UTC"' },
          scopes: READ,
          readOnly: true,
        });
        for (const address of input.attendees) {
          const info = (result.value ?? []).find((s) => s.scheduleId?.toLowerCase() === address.toLowerCase());
          if (!info) unavailable.push({ who: address, reason: 'no free/busy information returned' });
          else if (info.error)
            unavailable.push({ who: address, reason: info.error.message ?? info.error.responseCode ?? 'error' });
          else {
            busy.push(...scheduleBusy(info, window.start, input.tentativeIsBusy));
            participants.push(address);
          }
        }
      }

      const allowed = input.workingHoursOnly
        ? workingWindows(window, { timeZone: input.timeZone, dayStart, dayEnd, weekdaysOnly: true })
        : [window];
      const { slots, more } = computeFreeSlots({
        window,
        busy,
        allowed,
        durationMs: input.durationMinutes * 60_000,
        maxSlots: input.maxSlots,
      });
      const shaped = slots.map((s) => ({
        start: toIsoUtc(s.start),
        end: toIsoUtc(s.end),
        local: `${formatInZone(s.start, input.timeZone)}–${formatInZone(s.end, input.timeZone).slice(-5)}`,
      }));
      const lines = [
        `Free for ${input.durationMinutes}+ min (${participants.join(', ')}; times in ${input.timeZone}):`,
        ...(shaped.length > 0 ? shaped.map((s) => `- ${s.local}  (${s.start} → ${s.end})`) : ['(none in this window)']),
      ];
      if (more) lines.push(`More free ranges exist; narrow the window or raise maxSlots (max 50).`);
      for (const u of unavailable) lines.push(`Not included: ${u.who} — ${u.reason}`);
      return {
        text: capText(lines.join('\n'), ctx.limits.maxResultChars, 'narrow the window').text,
        structured: {
          window: { start: toIsoUtc(window.start), end: toIsoUtc(window.end) },
          timeZone: input.timeZone,
          durationMinutes: input.durationMinutes,
          participants,
          slots: shaped,
          more,
          unavailable,
        },
      };
    },
  });
}

export function createCalendarTools(deps: CalendarToolDeps = { now: () => Date.now() }): ToolDefinition[] {
  return [listEvents(deps), getEvent, createEvent, respondToEvent, findFreeTimes(deps)];
}

export const calendarTools: ToolDefinition[] = createCalendarTools();
