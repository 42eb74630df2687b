/**
 * Calendar writes, each approved by the user before anything reaches Graph: create_event (POST
 * /me/events or /me/calendars/{id}/events), update_event (`action`: update → PATCH, cancel → POST
 * …/cancel {comment} (organizer only), delete → DELETE) and respond_to_event (accept, decline,
 * tentativelyAccept). Writes go to the user's own mailbox only (no Calendars.ReadWrite.Shared).
 */
import { z } from 'zod';
import { GROUP_SCOPES } from '../../../app/shared/tool-groups.ts';
import { ToolError, type ToolAnnotations, type ToolContext } from '../tool.ts';
import { CREATE_ANNOTATIONS, defineTool } from '../shared/define.ts';
import { resolveId, shortId } from '../shared/ids.ts';
import { pathSegment } from '../shared/paths.ts';
import { clip } from '../shared/text.ts';
import { toWallDateTime } from '../shared/time.ts';
import {
  assertZoneName,
  eventDetail,
  eventIdInput,
  shapeEvent,
  wallWhen,
  when,
  type GraphEvent,
  type ShapedEvent,
} from './shape.ts';

const WRITE = GROUP_SCOPES.calendar.write;

const textField = (max: number) => z.string().min(1).max(max);
const attendeesInput = z.array(z.email()).max(50);
const zoneDefault = z.string().max(100).default('UTC').describe('Zone of start/end (IANA or Windows name).');

/** Start/end as Graph dateTimeTimeZone values, checked for order. */
function wallRange(input: { start: string; end: string; timeZone: string }): {
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
} {
  assertZoneName(input.timeZone);
  const start = toWallDateTime(input.start, input.timeZone, 'start');
  const end = toWallDateTime(input.end, input.timeZone, 'end');
  if (start.timeZone === end.timeZone && end.dateTime <= start.dateTime) {
    throw new ToolError('INVALID_INPUT', 'end must be after start.');
  }
  return { start, end };
}

const requiredAttendees = (list: readonly string[]) =>
  list.map((address) => ({ emailAddress: { address }, type: 'required' }));

// ---- create_event ----------------------------------------------------------------------------------

export const createEvent = defineTool({
  name: 'create_event',
  group: 'calendar',
  title: 'Create a calendar event',
  description:
    'Creates an event (with attendees: a meeting, and Outlook sends the invitations) after the user approves. Times are wall-clock in timeZone.',
  scopes: WRITE,
  write: true,
  inputSchema: () => ({
    subject: textField(255),
    start: z.string().max(40).describe('e.g. 2026-05-04T09:00:00'),
    end: z.string().max(40),
    timeZone: zoneDefault,
    attendees: attendeesInput.default([]),
    location: z.string().max(255).optional(),
    body: z.string().max(20000).optional().describe('Plain text.'),
    isOnlineMeeting: z.boolean().default(false).describe('Add a Teams link.'),
    calendar: z.string().max(1000).optional().describe('Calendar id from list_calendars; default yours.'),
  }),
  annotations: CREATE_ANNOTATIONS,
  async run(input, ctx) {
    const { start, end } = wallRange(input);
    if (input.calendar?.includes('@')) {
      throw new ToolError(
        'INVALID_INPUT',
        'Events can be created only in your own calendars: pass a calendar id from list_calendars, or none.',
      );
    }
    const calendarId = input.calendar ? await resolveId(ctx, 'calendar', input.calendar) : undefined;
    const whenText = wallWhen(start, end);
    const who = input.attendees.length > 0 ? ` with ${input.attendees.join(', ')} (invitations will be sent)` : '';
    const details: Record<string, string> = { Subject: input.subject, When: whenText };
    if (input.attendees.length > 0) details.Attendees = input.attendees.join(', ');
    if (input.location) details.Location = input.location;
    if (input.isOnlineMeeting) details['Online meeting'] = 'Teams link';
    if (calendarId) details.Calendar = clip(input.calendar ?? '', 200);
    if (input.body) details.Body = clip(input.body, 500);
    await ctx.approve(clip(`Create event "${input.subject}" on ${whenText}${who}`, 1000), details);

    const body: Record<string, unknown> = {
      subject: input.subject,
      start,
      end,
      attendees: requiredAttendees(input.attendees),
    };
    if (input.location) body.location = { displayName: input.location };
    if (input.body) body.body = { contentType: 'text', content: input.body };
    if (input.isOnlineMeeting) {
      body.isOnlineMeeting = true;
      body.onlineMeetingProvider = 'teamsForBusiness';
    }
    const created = await ctx.graph.request<GraphEvent>({
      method: 'POST',
      path: calendarId ? `/me/calendars/${pathSegment(calendarId)}/events` : '/me/events',
      pathTemplate: calendarId ? '/me/calendars/{id}/events' : '/me/events',
      body,
      scopes: WRITE,
    });
    const event = shapeEvent(created, { id: await shortId(ctx, 'event', created.id), previewChars: 0 });
    return { text: `Created event.\n${eventDetail(event)}` };
  },
});

// ---- update_event ----------------------------------------------------------------------------------

async function currentEvent(ctx: ToolContext, eventId: string): Promise<{ path: string; event: ShapedEvent }> {
  const path = `/me/events/${pathSegment(await resolveId(ctx, 'event', eventId))}`;
  const e = await ctx.graph.request<GraphEvent>({
    method: 'GET',
    path,
    pathTemplate: '/me/events/{id}',
    query: { $select: 'id,subject,start,end,organizer,isOrganizer,attendees,isAllDay,isCancelled' },
    scopes: WRITE,
  });
  return { path, event: shapeEvent(e, { id: eventId, previewChars: 0 }) };
}

interface UpdateInput {
  subject?: string | undefined;
  start?: string | undefined;
  end?: string | undefined;
  timeZone?: string | undefined;
  location?: string | undefined;
  body?: string | undefined;
  attendees?: string[] | undefined;
}

/** The PATCH body and what a person reads in the approval, one line per change. */
export function eventChanges(
  input: UpdateInput,
  current: ShapedEvent,
): { body: Record<string, unknown>; changes: Record<string, string> } {
  const body: Record<string, unknown> = {};
  const changes: Record<string, string> = {};
  if (input.subject !== undefined) {
    body.subject = input.subject;
    changes.Subject = `"${current.subject}" → "${input.subject}"`;
  }
  if ((input.start === undefined) !== (input.end === undefined)) {
    throw new ToolError('INVALID_INPUT', 'Give both start and end to move an event.');
  }
  if (input.start !== undefined && input.end !== undefined) {
    const range = wallRange({ start: input.start, end: input.end, timeZone: input.timeZone ?? 'UTC' });
    Object.assign(body, range);
    changes.When = `${when(current)} → ${wallWhen(range.start, range.end)}`;
  }
  if (input.location !== undefined) {
    body.location = { displayName: input.location };
    changes.Location = `${current.location ?? '(none)'} → ${input.location}`;
  }
  if (input.body !== undefined) {
    body.body = { contentType: 'text', content: input.body };
    changes.Description = clip(input.body, 500);
  }
  if (input.attendees !== undefined) {
    body.attendees = requiredAttendees(input.attendees);
    changes.Attendees = input.attendees.length > 0 ? input.attendees.join(', ') : '(none)';
  }
  if (Object.keys(body).length === 0) {
    throw new ToolError(
      'INVALID_INPUT',
      'Nothing to update: give subject, start and end, location, body or attendees.',
    );
  }
  return { body, changes };
}

function attendeeNote(e: ShapedEvent, what: string): string {
  return e.isOrganizer && e.attendees.length > 0 ? `; ${e.attendees.length} attendee(s) get ${what}` : '';
}

const UPDATE_ANNOTATIONS: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: true,
  idempotentHint: false,
  openWorldHint: true,
};

export const updateEvent = defineTool({
  name: 'update_event',
  group: 'calendar',
  title: 'Change, cancel or delete an event',
  description:
    'After the user approves: update changes only the fields given (attendees replaces the list); cancel (organizer only) ' +
    'notifies attendees with comment; delete removes it (an organizer deleting a meeting cancels it for attendees).',
  scopes: WRITE,
  write: true,
  inputSchema: () => ({
    eventId: eventIdInput,
    action: z.enum(['update', 'cancel', 'delete']).default('update'),
    comment: z.string().max(2000).optional().describe('cancel: message to attendees.'),
    subject: textField(255).optional(),
    start: z.string().max(40).optional().describe('With end: the new time, wall-clock in timeZone.'),
    end: z.string().max(40).optional(),
    timeZone: z.string().max(100).optional(),
    location: z.string().max(255).optional(),
    body: z.string().max(20000).optional().describe('New description (plain text).'),
    attendees: attendeesInput.optional(),
  }),
  annotations: UPDATE_ANNOTATIONS,
  async run(input, ctx) {
    const { path, event } = await currentEvent(ctx, input.eventId);
    const label = `"${event.subject}" (${when(event)})`;
    const details: Record<string, string> = { Action: input.action, Event: event.subject, When: when(event) };
    if (event.organizer) details.Organizer = event.organizer;
    if (event.attendees.length > 0) details.Attendees = clip(event.attendees.join('; '), 1000);

    if (input.action === 'update') {
      const { body, changes } = eventChanges(input, event);
      const summary = `Update event ${label}: ${Object.keys(changes).join(', ').toLowerCase()} changed${attendeeNote(event, 'an update')}`;
      await ctx.approve(clip(summary, 1000), { ...details, ...changes });
      const updated = await ctx.graph.request<GraphEvent>({
        method: 'PATCH',
        path,
        pathTemplate: '/me/events/{id}',
        body,
        scopes: WRITE,
      });
      const shaped = shapeEvent(updated, { id: await shortId(ctx, 'event', updated.id), previewChars: 0 });
      return { text: `Updated event.\n${eventDetail(shaped)}` };
    }

    if (input.action === 'cancel') {
      if (event.isOrganizer === false) {
        throw new ToolError(
          'NOT_ORGANIZER',
          `Only the organizer (${event.organizer ?? 'someone else'}) can cancel ${label}. Decline it with respond_to_event, or delete it from your calendar with action delete.`,
        );
      }
      const message = input.comment ? ` with message "${clip(input.comment, 200)}"` : '';
      if (input.comment) details.Message = clip(input.comment, 2000);
      await ctx.approve(
        clip(`Cancel meeting ${label}${attendeeNote(event, 'a cancellation')}${message}`, 1000),
        details,
      );
      await ctx.graph.request({
        method: 'POST',
        path: `${path}/cancel`,
        pathTemplate: '/me/events/{id}/cancel',
        body: input.comment ? { comment: input.comment } : {},
        scopes: WRITE,
      });
      return { text: `Cancelled ${label}; the attendees were sent the cancellation.` };
    }

    await ctx.approve(clip(`Delete event ${label}${attendeeNote(event, 'a cancellation')}`, 1000), details);
    await ctx.graph.request({ method: 'DELETE', path, pathTemplate: '/me/events/{id}', scopes: WRITE });
    return { text: `Deleted ${label}.` };
  },
});

// ---- respond_to_event ------------------------------------------------------------------------------

const RESPONSE_ACTIONS = { accept: 'accept', decline: 'decline', tentative: 'tentativelyAccept' } as const;
const PAST = { accept: 'Accepted', decline: 'Declined', tentative: 'Tentatively accepted' } as const;
const VERB = { accept: 'Accept', decline: 'Decline', tentative: 'Tentatively accept' } as const;

export const respondToEvent = defineTool({
  name: 'respond_to_event',
  group: 'calendar',
  title: 'Respond to a meeting invitation',
  description:
    'Accepts, declines or tentatively accepts an invitation, optionally with a comment, after the user approves.',
  scopes: WRITE,
  write: true,
  inputSchema: () => ({
    eventId: eventIdInput,
    response: z.enum(['accept', 'decline', 'tentative']),
    comment: z.string().max(2000).optional().describe('To the organizer.'),
    sendResponse: z.boolean().default(true).describe('Tell the organizer.'),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  async run(input, ctx) {
    const { path, event } = await currentEvent(ctx, input.eventId);
    const from = event.organizer ? ` from ${event.organizer}` : '';
    const comment = input.comment ? ` with comment "${clip(input.comment, 200)}"` : '';
    const details: Record<string, string> = { Event: event.subject, When: when(event), Response: input.response };
    if (event.organizer) details.Organizer = event.organizer;
    if (input.comment) details.Comment = clip(input.comment, 2000);
    if (!input.sendResponse) details['Notify organizer'] = 'no';
    await ctx.approve(
      clip(`${VERB[input.response]} "${event.subject}" (${when(event)})${from}${comment}`, 1000),
      details,
    );

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
    return { text: `${PAST[input.response]} "${event.subject}" (${when(event)}).` };
  },
});
