/**
 * Calendar reads: list_calendars (GET /me/calendars: the user's calendars and the ones others shared
 * with them), list_events (calendarView of the default calendar, one of the user's calendars, or
 * another person's primary calendar read from their mailbox — Calendars.Read.Shared, on demand) and
 * get_event.
 */
import { z } from 'zod';
import { GROUP_SCOPES } from '../../../app/shared/tool-groups.ts';
import type { ToolContext, ToolDefinition } from '../tool.ts';
import { READ_ANNOTATIONS, defineTool, formatAddress } from '../shared/define.ts';
import { resolveId, shortId } from '../shared/ids.ts';
import { cursorInput, listText, pageIds } from '../shared/list.ts';
import { pathSegment } from '../shared/paths.ts';
import { maxBodyCharsInput, outlookBody } from '../shared/outlook-body.ts';
import { capText, plainLine } from '../shared/text.ts';
import { toIsoUtc } from '../shared/time.ts';
import {
  EVENT_SELECT,
  calendarInput,
  calendarTarget,
  eventBodyText,
  eventDetail,
  eventIdInput,
  eventLine,
  resolveWindow,
  shapeEvent,
  zoneHeader,
  zoneInput,
  type GraphCalendar,
  type GraphEvent,
} from './shape.ts';

const READ = GROUP_SCOPES.calendar.read;
const SHARED = GROUP_SCOPES.calendar.onDemand?.read ?? [];
const SCOPES = { read: READ, shared: SHARED };

export interface CalendarToolDeps {
  /** The clock (default windows start "now"). */
  now(): number;
}

function calendarLine(c: GraphCalendar & { shortId: string }, me: string | undefined): string {
  const owner = c.owner?.address ?? '';
  const parts = [plainLine(c.name, 200) || '(no name)'];
  if (c.isDefaultCalendar) parts.push('default');
  if (owner && me !== undefined && owner.toLowerCase() !== me.toLowerCase())
    parts.push(`shared by ${formatAddress(c.owner)}`);
  parts.push(c.canEdit ? 'you can edit' : 'read-only');
  return `- [${c.shortId}] ${parts.join(' | ')}`;
}

export const listCalendars = defineTool({
  name: 'list_calendars',
  group: 'calendar',
  title: 'List calendars',
  description:
    'Your calendars, including ones others shared with you: name, owner, whether you can edit, and the id to pass as calendar.',
  scopes: READ,
  write: false,
  inputSchema: () => ({ cursor: cursorInput }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const page = await ctx.graph.page<GraphCalendar>(
      {
        method: 'GET',
        path: '/me/calendars',
        pathTemplate: '/me/calendars',
        query: { $select: 'id,name,owner,canEdit,isDefaultCalendar', $top: 50 },
        scopes: READ,
      },
      input.cursor,
    );
    const ids = await pageIds(ctx, 'calendar', page.items);
    // The default calendar's owner is the signed-in user: a calendar owned by anyone else is shared.
    const me = page.items.find((c) => c.isDefaultCalendar)?.owner?.address ?? undefined;
    const lines = page.items.map((c, i) => calendarLine({ ...c, shortId: ids[i] ?? c.id }, me));
    const head = `${lines.length} calendar(s); [id] for the calendar parameter:`;
    return { text: listText(head, lines, page.nextCursor, ctx.limits.maxResultChars) };
  },
});

export function listEvents(deps: CalendarToolDeps): ToolDefinition {
  return defineTool({
    name: 'list_events',
    group: 'calendar',
    title: 'List calendar events',
    description:
      'Events between start and end (each occurrence of a series), earliest first; default now to 7 days ahead. ' +
      'One line each with its id (get_event shows details).',
    scopes: READ,
    write: false,
    inputSchema: () => ({
      start: z.string().max(40).optional().describe('ISO 8601; no offset = UTC. Default now.'),
      end: z.string().max(40).optional().describe('Default start + 7 days; at most 92 days after start.'),
      timeZone: zoneInput,
      calendar: calendarInput,
      top: z.number().int().min(1).max(50).default(25),
      cursor: cursorInput,
    }),
    annotations: READ_ANNOTATIONS,
    async run(input, ctx) {
      const window = resolveWindow(input, deps.now(), 92);
      const headers = zoneHeader(input.timeZone);
      const target = await calendarTarget(ctx, input.calendar, SCOPES);
      const page = await ctx.graph.page<GraphEvent>(
        {
          method: 'GET',
          path: target.view,
          pathTemplate: target.viewTemplate,
          query: {
            startDateTime: toIsoUtc(window.start),
            endDateTime: toIsoUtc(window.end),
            $select: EVENT_SELECT,
            $orderby: 'start/dateTime',
            $top: input.top,
          },
          ...(headers ? { headers } : {}),
          scopes: target.readScopes,
        },
        input.cursor,
      );
      const ids = await pageIds(ctx, 'event', page.items);
      const events = page.items.map((e, i) => shapeEvent(e, { id: ids[i] ?? e.id, previewChars: 0 }));
      const whose = target.owner ? ` in ${plainLine(target.owner, 320)}'s calendar` : '';
      const head = `${events.length} event(s)${whose} from ${toIsoUtc(window.start)} to ${toIsoUtc(window.end)}:`;
      const text = listText(
        head,
        events.map(eventLine),
        page.nextCursor,
        ctx.limits.maxResultChars,
        'ask for fewer per page with top, or a shorter window',
      );
      return { text };
    },
  });
}

async function fetchEvent(
  ctx: ToolContext,
  input: { eventId: string; calendar?: string | undefined; timeZone?: string | undefined },
): Promise<GraphEvent> {
  const zone = zoneHeader(input.timeZone)?.Prefer;
  const prefer = zone ? `outlook.body-content-type="text", ${zone}` : 'outlook.body-content-type="text"';
  const target = await calendarTarget(ctx, input.calendar, SCOPES);
  const graphId = await resolveId(ctx, 'event', input.eventId);
  return ctx.graph.request<GraphEvent>({
    method: 'GET',
    path: `${target.eventsRoot}/events/${pathSegment(graphId)}`,
    pathTemplate: `${target.eventsRootTemplate}/events/{id}`,
    query: { $select: `${EVENT_SELECT},body` },
    headers: { Prefer: prefer },
    scopes: target.readScopes,
  });
}

export const getEvent = defineTool({
  name: 'get_event',
  group: 'calendar',
  title: 'Get a calendar event',
  description:
    'One event: time, place, organizer, every attendee with their response, join link and the body as text (long bodies are cut with a note).',
  scopes: READ,
  write: false,
  inputSchema: () => ({
    eventId: eventIdInput,
    calendar: z
      .string()
      .max(320)
      .optional()
      .describe("The owner's email when the event came from list_events on their calendar."),
    timeZone: zoneInput,
    maxBodyChars: maxBodyCharsInput,
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const e = await fetchEvent(ctx, input);
    const id = await shortId(ctx, 'event', e.id);
    const details = eventDetail(shapeEvent(e, { id, previewChars: 0 }));
    // The body (and its cut note) gets what is left of one result after the details.
    const body = outlookBody(eventBodyText(e), {
      requested: input.maxBodyChars,
      room: ctx.limits.maxResultChars - details.length - 2,
      what: 'event',
      webLink: e.webLink,
    });
    const event = shapeEvent(e, { id, previewChars: 0, body });
    return { text: capText(eventDetail(event), ctx.limits.maxResultChars, 'open the event in Outlook').text };
  },
});
