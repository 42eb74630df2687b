/**
 * find_free_times: the user's busy time from /me/calendarView, the attendees' from
 * POST /me/calendar/getSchedule (a read sent as POST: marked readOnly so the write gate lets it
 * through), merged and subtracted from working-hour windows (shared/free-slots.ts).
 */
import type { DateTimeTimeZone, ScheduleInformation } from '@microsoft/microsoft-graph-types';
import { z } from 'zod';
import { GROUP_SCOPES } from '../../../app/shared/tool-groups.ts';
import { ToolError, type ToolContext, type ToolDefinition } from '../tool.ts';
import { READ_ANNOTATIONS, defineTool } from '../shared/define.ts';
import { computeFreeSlots, workingWindows, type Interval } from '../shared/free-slots.ts';
import { capText, plainLine } from '../shared/text.ts';
import { formatInZone, graphDateTimeToMs, isValidTimeZone, parseClock, toIsoUtc } from '../shared/time.ts';
import type { CalendarToolDeps } from './read.ts';
import { resolveWindow, type GraphEvent } from './shape.ts';

const READ = GROUP_SCOPES.calendar.read;
const BUSY_STATUSES = new Set(['busy', 'oof', 'workingElsewhere', 'tentative']);
const VIEW_INTERVAL_MINUTES = 15;

function isBusy(status: string | null | undefined, tentativeIsBusy: boolean): boolean {
  if (status === undefined || status === null) return true;
  if (status === 'tentative') return tentativeIsBusy;
  return BUSY_STATUSES.has(status);
}

function instant(value: DateTimeTimeZone | null | undefined): number | null {
  if (!value) return null;
  return graphDateTimeToMs({ dateTime: value.dateTime ?? '', timeZone: value.timeZone ?? 'UTC' });
}

/** Busy intervals of one schedule: its items, or (without items) its availabilityView string. */
export function scheduleBusy(info: ScheduleInformation, windowStart: number, tentativeIsBusy: boolean): Interval[] {
  const items = info.scheduleItems ?? [];
  if (items.length > 0) {
    return items.flatMap((item) => {
      const start = instant(item.start);
      const end = instant(item.end);
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
      const start = instant(e.start);
      const end = instant(e.end);
      if (start !== null && end !== null && !e.isCancelled && isBusy(e.showAs ?? 'busy', tentativeIsBusy)) {
        busy.push({ start, end });
      }
    }
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  return busy;
}

interface Others {
  busy: Interval[];
  participants: string[];
  unavailable: string[];
}

async function othersBusy(
  ctx: ToolContext,
  attendees: readonly string[],
  window: Interval,
  tentativeIsBusy: boolean,
): Promise<Others> {
  const out: Others = { busy: [], participants: [], unavailable: [] };
  const result = await ctx.graph.request<{ value?: ScheduleInformation[] }>({
    method: 'POST',
    path: '/me/calendar/getSchedule',
    pathTemplate: '/me/calendar/getSchedule',
    body: {
      schedules: attendees,
      startTime: { dateTime: toIsoUtc(window.start).slice(0, -1), timeZone: 'UTC' },
      endTime: { dateTime: toIsoUtc(window.end).slice(0, -1), timeZone: 'UTC' },
      availabilityViewInterval: VIEW_INTERVAL_MINUTES,
    },
    headers: { Prefer: 'outlook.timezone="UTC"' },
    scopes: READ,
    readOnly: true,
  });
  for (const address of attendees) {
    const info = (result.value ?? []).find((s) => s.scheduleId?.toLowerCase() === address.toLowerCase());
    const why = !info
      ? 'no free/busy information returned'
      : info.error
        ? plainLine(info.error.message ?? info.error.responseCode ?? 'error', 300)
        : undefined;
    if (why !== undefined || !info) {
      out.unavailable.push(`${address} — ${why ?? 'error'}`);
      continue;
    }
    out.busy.push(...scheduleBusy(info, window.start, tentativeIsBusy));
    out.participants.push(address);
  }
  return out;
}

const freeTimesInput = () => ({
  attendees: z.array(z.email()).max(20).default([]),
  includeMe: z.boolean().default(true).describe('Include your own calendar.'),
  start: z.string().max(40).optional().describe('ISO 8601; no offset = UTC. Default now.'),
  end: z.string().max(40).optional().describe('Default start + 7 days; at most 62 days.'),
  durationMinutes: z.number().int().min(5).max(1440).default(30),
  timeZone: z.string().max(100).default('UTC').describe('IANA zone for working hours and shown times.'),
  workingHoursOnly: z.boolean().default(true),
  workdayStart: z.string().max(5).default('09:00'),
  workdayEnd: z.string().max(5).default('17:00'),
  tentativeIsBusy: z.boolean().default(true),
  maxSlots: z.number().int().min(1).max(50).default(10),
});
type FreeTimesInput = z.infer<z.ZodObject<ReturnType<typeof freeTimesInput>>>;

export function findFreeTimes(deps: CalendarToolDeps): ToolDefinition {
  return defineTool({
    name: 'find_free_times',
    group: 'calendar',
    title: 'Find free meeting times',
    description:
      'Free ranges at least durationMinutes long when you and the attendees (their free/busy) are all free, earliest first; by default weekdays 09:00–17:00 in timeZone.',
    scopes: READ,
    write: false,
    inputSchema: freeTimesInput,
    annotations: READ_ANNOTATIONS,
    async run(input, ctx) {
      const search = checkSearch(input, deps);
      const everyone = await everyonesBusy(ctx, input, search.window);
      const found = computeFreeSlots({
        window: search.window,
        busy: everyone.busy,
        allowed: allowedWindows(input, search),
        durationMs: input.durationMinutes * 60_000,
        maxSlots: input.maxSlots,
      });
      return {
        text: capText(freeTimesText(input, everyone, found), ctx.limits.maxResultChars, 'narrow the window').text,
      };
    },
  });
}

/** The checked search: the window (its start on a quarter hour) and the workday in minutes. */
interface Search {
  window: Interval;
  dayStart: number;
  dayEnd: number;
}

/** Every input check, in this order, before Graph is called. */
function checkSearch(input: FreeTimesInput, deps: CalendarToolDeps): Search {
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
  return { window, dayStart, dayEnd };
}

/** The busy time of the user (unless left out) and of the attendees, and who could not be included. */
async function everyonesBusy(ctx: ToolContext, input: FreeTimesInput, window: Interval): Promise<Others> {
  const busy: Interval[] = input.includeMe ? await myBusy(ctx, window, input.tentativeIsBusy) : [];
  const others: Others =
    input.attendees.length > 0
      ? await othersBusy(ctx, input.attendees, window, input.tentativeIsBusy)
      : { busy: [], participants: [], unavailable: [] };
  return {
    busy: [...busy, ...others.busy],
    participants: [...(input.includeMe ? ['me'] : []), ...others.participants],
    unavailable: others.unavailable,
  };
}

/** Where a slot may lie: weekday working hours in the zone, or the whole window. */
function allowedWindows(input: FreeTimesInput, search: Search): Interval[] {
  const { window, dayStart, dayEnd } = search;
  return input.workingHoursOnly
    ? workingWindows(window, { timeZone: input.timeZone, dayStart, dayEnd, weekdaysOnly: true })
    : [window];
}

function freeTimesText(input: FreeTimesInput, everyone: Others, found: { slots: Interval[]; more: boolean }): string {
  const zone = input.timeZone;
  const lines = [
    `Free for ${input.durationMinutes}+ min (${everyone.participants.join(', ')}; times in ${zone}):`,
    ...(found.slots.length > 0
      ? found.slots.map(
          (s) =>
            `- ${formatInZone(s.start, zone)}–${formatInZone(s.end, zone).slice(-5)}  (${toIsoUtc(s.start)} → ${toIsoUtc(s.end)})`,
        )
      : ['(none in this window)']),
  ];
  if (found.more) lines.push('More free ranges exist; narrow the window or raise maxSlots (max 50).');
  for (const u of everyone.unavailable) lines.push(`Not included: ${u}`);
  return lines.join('\n');
}
