/**
 * POST /me/calendar/getSchedule (spec §9.8): free/busy of tenant users over a window, as
 * `availabilityView` (one digit per interval) and `scheduleItems`; an unknown address gets an error
 * entry instead.
 */
import { badRequest, invalidJsonPayload } from '../errors.ts';
import { jsonResponse, readJsonBody, type GraphResponse } from '../http.ts';
import type { CalendarEvent, DateTimeTimeZone } from '../model.ts';
import type { RouteContext } from '../router.ts';
import { eventEnd, eventStart, toUtcMs } from './calendar-time.ts';

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

export function getSchedule(ctx: RouteContext): GraphResponse {
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
