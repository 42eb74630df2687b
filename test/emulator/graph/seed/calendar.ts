/**
 * Calendar seed: about two meetings per working day from 21 days before to 28 days after the base
 * date (so "this week" and "this month" always find events), with attendees, a few Teams meetings,
 * some all-day and some events organised by colleagues (responseStatus none → accept/decline work).
 */
import type { Attendee, CalendarEvent, CalendarFolder, DirectoryUser, ResponseType, UserCalendar } from '../model.ts';
import { recipientOf } from './directory.ts';
import { htmlBody, bodyPreview } from './mail.ts';
import { createRng, DAY_MS, HOUR_MS, isoZ, outlookDateTime, outlookId, type Rng } from './prng.ts';

const TITLES = [
  'Project Falcon standup',
  'Q3 budget review',
  '1:1',
  'Design review',
  'Customer call: Northwind',
  'Marketing launch sync',
  'Security review',
  'Hiring debrief',
  'Lunch & learn',
  'Sprint planning',
  'Retail rollout checkpoint',
  'Quarterly business review',
];
const ROOMS = ['Conf Room Adams', 'Conf Room Baker', 'Conf Room Crystal', 'Microsoft Teams Meeting', 'Cafeteria'];

export interface NewEventInput {
  subject: string;
  startMs: number;
  endMs: number;
  organizer: DirectoryUser;
  attendees: readonly DirectoryUser[];
  isOrganizer: boolean;
  isAllDay?: boolean;
  online?: boolean;
  location?: string;
  bodyHtml?: string;
  response?: ResponseType;
  nowMs: number;
}

export function newEvent(rng: Rng, input: NewEventInput): CalendarEvent {
  const id = outlookId(rng);
  const changeKey = rng.b64(18);
  const html = input.bodyHtml ?? htmlBody([`Agenda: ${input.subject}`]);
  const response: ResponseType = input.isOrganizer ? 'organizer' : (input.response ?? 'none');
  const attendees: Attendee[] = input.attendees.map((a) => ({
    type: 'required',
    status: { response: 'none', time: '0001-01-01T00:00:00Z' },
    emailAddress: recipientOf(a).emailAddress,
  }));
  const location = input.location ?? (input.online ? 'Microsoft Teams Meeting' : '');
  return {
    '@odata.etag': `W/"${changeKey}"`,
    id,
    createdDateTime: isoZ(input.nowMs),
    lastModifiedDateTime: isoZ(input.nowMs),
    changeKey,
    categories: [],
    iCalUId: `040000008200E00074C5B7101A82E008${Buffer.from(id).toString('hex').slice(0, 40).toUpperCase()}`,
    subject: input.subject,
    bodyPreview: bodyPreview(html),
    importance: 'normal',
    sensitivity: 'normal',
    isAllDay: input.isAllDay ?? false,
    isCancelled: false,
    isOrganizer: input.isOrganizer,
    responseRequested: true,
    showAs: input.isAllDay ? 'free' : 'busy',
    type: 'singleInstance',
    webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
    isOnlineMeeting: input.online ?? false,
    onlineMeetingProvider: input.online ? 'teamsForBusiness' : 'unknown',
    onlineMeeting: input.online
      ? { joinUrl: `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${rng.b64(24)}%40thread.v2/0` }
      : null,
    isReminderOn: !input.isAllDay,
    reminderMinutesBeforeStart: 15,
    hasAttachments: false,
    responseStatus: { response, time: '0001-01-01T00:00:00Z' },
    body: { contentType: 'html', content: html },
    start: { dateTime: outlookDateTime(input.startMs), timeZone: 'UTC' },
    end: { dateTime: outlookDateTime(input.endMs), timeZone: 'UTC' },
    location: { displayName: location, locationType: 'default' },
    locations: location ? [{ displayName: location, locationType: 'default' }] : [],
    attendees,
    organizer: recipientOf(input.organizer),
  };
}

export function seedEvents(me: DirectoryUser, directory: readonly DirectoryUser[], baseMs: number): CalendarEvent[] {
  const rng = createRng(`calendar:${me.id}`);
  const others = directory.filter((u) => u.id !== me.id);
  const events: CalendarEvent[] = [];
  for (let day = -21; day <= 28; day++) {
    const dayMs = baseMs + day * DAY_MS;
    const weekday = new Date(dayMs).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    if (day % 9 === 0) {
      events.push(
        newEvent(rng, {
          subject: rng.pick(['Company holiday planning', 'Focus day', 'Offsite']),
          startMs: dayMs,
          endMs: dayMs + DAY_MS,
          organizer: me,
          attendees: [],
          isOrganizer: true,
          isAllDay: true,
          nowMs: baseMs - 30 * DAY_MS,
        }),
      );
    }
    const count = rng.int(1, 3);
    const usedHours = new Set<number>();
    for (let i = 0; i < count; i++) {
      const hour = rng.int(8, 16);
      if (usedHours.has(hour)) continue;
      usedHours.add(hour);
      const startMs = dayMs + hour * HOUR_MS + (rng.chance(0.3) ? 30 * 60_000 : 0);
      const minutes = rng.pick([30, 30, 60, 60, 90]);
      const organizedByMe = rng.chance(0.45);
      const organizer = organizedByMe ? me : rng.pick(others);
      const invitees = [rng.pick(others), rng.pick(others), ...(organizedByMe ? [] : [me])].filter(
        (u, idx, arr) => arr.findIndex((x) => x.id === u.id) === idx && u.id !== organizer.id,
      );
      const online = rng.chance(0.3);
      const past = startMs < baseMs;
      events.push(
        newEvent(rng, {
          subject: rng.pick(TITLES),
          startMs,
          endMs: startMs + minutes * 60_000,
          organizer,
          attendees: invitees,
          isOrganizer: organizedByMe,
          online,
          location: online ? 'Microsoft Teams Meeting' : rng.pick(ROOMS),
          response: organizedByMe
            ? 'organizer'
            : past
              ? 'accepted'
              : rng.pick(['none', 'accepted', 'tentativelyAccepted']),
          nowMs: startMs - 7 * DAY_MS,
        }),
      );
    }
  }
  return events;
}

// ---------------------------------------------------------------------------------------------
// calendars

function calendarFolder(
  rng: Rng,
  fields: Partial<CalendarFolder> & Pick<CalendarFolder, 'name' | 'owner'>,
): CalendarFolder {
  const changeKey = rng.b64(18);
  return {
    id: outlookId(rng),
    color: 'auto',
    hexColor: '',
    changeKey,
    canShare: true,
    canViewPrivateItems: true,
    canEdit: true,
    isDefaultCalendar: false,
    isRemovable: true,
    isTallyingResponses: false,
    allowedOnlineMeetingProviders: ['teamsForBusiness'],
    defaultOnlineMeetingProvider: 'teamsForBusiness',
    ...fields,
  };
}

const PERSONAL = ['Dentist', 'School play', 'Gym with Sam', 'Car service'];

/**
 * Fixture users share their primary calendar read-only in a ring: each with the next one (Adele →
 * Megan → Alex → Adele). Only the viewer may read it (GET /users/{owner}/calendar/…, or the copy in
 * their calendar list).
 */
export function sharesCalendarWith(ownerId: string, viewerId: string, fixtureIds: readonly string[]): boolean {
  const i = fixtureIds.indexOf(ownerId);
  return (
    fixtureIds.length > 1 && i >= 0 && ownerId !== viewerId && fixtureIds[(i + 1) % fixtureIds.length] === viewerId
  );
}

/**
 * A user's calendar list: the default "Calendar", an own "Personal" calendar with a few events in the
 * seeded weeks, and — for fixture users — the primary calendar the previous fixture user shares.
 */
export function seedCalendars(
  me: DirectoryUser,
  directory: readonly DirectoryUser[],
  fixtureIds: readonly string[],
  baseMs: number,
): UserCalendar[] {
  const rng = createRng(`calendars:${me.id}`);
  const owner = recipientOf(me).emailAddress;
  const out: UserCalendar[] = [
    {
      calendar: calendarFolder(rng, {
        name: 'Calendar',
        owner,
        isDefaultCalendar: true,
        isRemovable: false,
        isTallyingResponses: true,
      }),
    },
  ];
  const personal = PERSONAL.map((subject, i) => {
    const startMs = baseMs + (i * 3 - 2) * DAY_MS + 18 * HOUR_MS;
    return newEvent(rng, {
      subject,
      startMs,
      endMs: startMs + HOUR_MS,
      organizer: me,
      attendees: [],
      isOrganizer: true,
      nowMs: baseMs - 10 * DAY_MS,
    });
  });
  out.push({ calendar: calendarFolder(rng, { name: 'Personal', owner, color: 'lightGreen' }), events: personal });
  const sharer = fixtureIds.find((id) => sharesCalendarWith(id, me.id, fixtureIds));
  const sharerUser = sharer ? directory.find((u) => u.id === sharer) : undefined;
  if (sharerUser) {
    out.push({
      calendar: calendarFolder(rng, {
        name: sharerUser.displayName,
        owner: recipientOf(sharerUser).emailAddress,
        color: 'lightBlue',
        canShare: false,
        canViewPrivateItems: false,
        canEdit: false,
      }),
      sharedBy: sharerUser.id,
    });
  }
  return out;
}
