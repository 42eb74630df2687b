/**
 * Calendar list, calendars shared with the caller, and changing events: PATCH, cancel (organizer
 * only, attendees notified), DELETE (the organizer's cancels for the attendees), writes to a
 * read-only shared calendar refused.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultUsers } from '../../emulator/fixtures.ts';
import { ADELE, BASE_MS, createTestService, list, MEGAN, str, type J } from './fake-deps.ts';

const ALEX = defaultUsers()[2]!;
const R = ['Calendars.Read'];
const RW = ['Calendars.ReadWrite'];
const SHARED = ['Calendars.Read.Shared'];
const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const window = (start: number, end: number): string => `startDateTime=${iso(start)}&endDateTime=${iso(end)}&$top=1000`;

void describe('graph emulator: calendars and shared calendars', () => {
  const { call } = createTestService();

  void it('GET /me/calendars: default, an own calendar, and the one Alex shares (owner Alex, read-only)', () => {
    const r = call('GET', '/me/calendars?$select=id,name,owner,canEdit,isDefaultCalendar', { scopes: R });
    assert.equal(r.status, 200, str(r.body.error?.message));
    const cals = list(r.body.value);
    assert.deepEqual(
      cals.map((c) => [c.name, c.isDefaultCalendar, c.canEdit, c.owner?.address]),
      [
        ['Calendar', true, true, ADELE.mail],
        ['Personal', false, true, ADELE.mail],
        ['Alex Wilber', false, false, ALEX.mail],
      ] as unknown,
    );
    const personal = cals[1];
    const events = call(
      'GET',
      `/me/calendars/${str(personal?.id)}/calendarView?${window(BASE_MS - 7 * DAY, BASE_MS + 14 * DAY)}`,
      {
        scopes: R,
      },
    );
    assert.ok(list(events.body.value).some((e) => e.subject === ('Dentist' as unknown)));
    assert.equal(call('GET', '/me/calendars/AAMkNope', { scopes: R }).status, 404);
  });

  void it('the shared calendar in my list shows the owner’s events; writing there is 403', () => {
    const cals = list(call('GET', '/me/calendars', { scopes: R }).body.value);
    const shared = cals.find((c) => c.name === ('Alex Wilber' as unknown));
    const mine = call('GET', `/me/calendars/${str(shared?.id)}/calendarView?${window(BASE_MS, BASE_MS + 7 * DAY)}`, {
      scopes: R,
    });
    const direct = call('GET', `/users/${ALEX.upn}/calendar/calendarView?${window(BASE_MS, BASE_MS + 7 * DAY)}`, {
      scopes: SHARED,
    });
    assert.equal(direct.status, 200, str(direct.body.error?.message));
    assert.deepEqual(
      list(mine.body.value).map((e) => e.id),
      list(direct.body.value).map((e) => e.id),
    );
    const event = list(mine.body.value)[0];
    assert.equal(call('GET', `/me/events/${str(event?.id)}`, { scopes: R }).status, 200);
    const patch = call('PATCH', `/me/events/${str(event?.id)}`, { scopes: RW, body: { subject: 'mine now' } });
    assert.equal(patch.status, 403);
    assert.equal(patch.body.error?.code, 'ErrorAccessDenied');
    const create = call('POST', `/me/calendars/${str(shared?.id)}/events`, {
      scopes: RW,
      body: {
        subject: 'x',
        start: { dateTime: '2026-03-20T10:00:00', timeZone: 'UTC' },
        end: { dateTime: '2026-03-20T11:00:00', timeZone: 'UTC' },
      },
    });
    assert.equal(create.status, 403);
  });

  void it('/users/{owner}/calendar needs Calendars.Read.Shared and a share: Megan does not share with Adele', () => {
    const path = (u: string): string => `/users/${u}/calendar/calendarView?${window(BASE_MS, BASE_MS + DAY)}`;
    assert.equal(call('GET', path(ALEX.upn), { scopes: R }).status, 403, 'Calendars.Read is not enough');
    const notShared = call('GET', path(MEGAN.upn), { scopes: SHARED });
    assert.equal(notShared.status, 403);
    assert.equal(notShared.body.error?.code, 'ErrorAccessDenied');
    const nobody = call('GET', path('nobody@contoso.onmicrosoft.com'), { scopes: SHARED });
    assert.equal(nobody.status, 404);
    assert.equal(nobody.body.error?.code, 'ErrorInvalidUser');
  });
});

void describe('graph emulator: changing events', () => {
  const { call } = createTestService();
  const start = BASE_MS + 3 * DAY + 19 * 3_600_000;
  const at = window(start, start + 60_000);

  function meeting(subject: string): J {
    const r = call('POST', '/me/events', {
      scopes: RW,
      body: {
        subject,
        start: { dateTime: iso(start).slice(0, 19), timeZone: 'UTC' },
        end: { dateTime: iso(start + 1_800_000).slice(0, 19), timeZone: 'UTC' },
        attendees: [{ emailAddress: { address: MEGAN.mail }, type: 'required' }],
      },
    });
    assert.equal(r.status, 201);
    return r.body;
  }
  const megansCopy = (subject: string): J | undefined =>
    list(call('GET', `/me/calendarView?${at}`, { scopes: R, oid: MEGAN.oid }).body.value).find((e) =>
      str(e.subject).endsWith(subject),
    );

  void it('PATCH by the organizer updates the attendees’ copies; end before start is 400', () => {
    const m = meeting('Budget sync');
    const r = call('PATCH', `/me/events/${str(m.id)}`, {
      scopes: RW,
      body: {
        subject: 'Budget sync (room change)',
        location: { displayName: 'Room 7' },
        body: { contentType: 'text', content: 'New room' },
      },
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.location?.displayName, 'Room 7');
    assert.equal(megansCopy('Budget sync (room change)')?.location?.displayName, 'Room 7');
    const bad = call('PATCH', `/me/events/${str(m.id)}`, {
      scopes: RW,
      body: { end: { dateTime: iso(start - DAY).slice(0, 19), timeZone: 'UTC' } },
    });
    assert.equal(bad.status, 400);
  });

  void it('cancel by an attendee is Graph’s 400; by the organizer the attendees get the cancellation', () => {
    const m = meeting('Falcon retro');
    const copy = megansCopy('Falcon retro');
    const byAttendee = call('POST', `/me/events/${str(copy?.id)}/cancel`, {
      scopes: RW,
      oid: MEGAN.oid,
      body: { comment: 'no' },
    });
    assert.equal(byAttendee.status, 400);
    assert.equal(byAttendee.body.error?.code, 'ErrorInvalidRequest');
    assert.equal(
      byAttendee.body.error?.message,
      "Your request can't be completed. You need to be an organizer to cancel a meeting.",
    );
    const cancel = call('POST', `/me/events/${str(m.id)}/cancel`, {
      scopes: RW,
      body: { Comment: 'Moved to <next> week' },
    });
    assert.equal(cancel.status, 202);
    assert.equal(call('GET', `/me/events/${str(m.id)}`, { scopes: R }).status, 404);
    assert.ok(!list(call('GET', `/me/calendarView?${at}`, { scopes: R }).body.value).some((e) => e.id === m.id));
    const theirs = megansCopy('Falcon retro');
    assert.equal(theirs?.isCancelled, true);
    assert.equal(theirs?.subject, 'Canceled: Falcon retro');
    const inbox = call(
      'GET',
      `/me/mailFolders/inbox/messages?$filter=subject eq 'Canceled: Falcon retro'&$select=subject,body,from`,
      {
        scopes: ['Mail.Read'],
        oid: MEGAN.oid,
      },
    );
    const msg = list(inbox.body.value)[0];
    assert.equal(msg?.from?.emailAddress?.address, ADELE.mail);
    assert.match(str(msg?.body?.content), /Moved to &lt;next&gt; week/);
  });

  void it('DELETE by the organizer cancels for the attendees; by an attendee it removes only their copy', () => {
    const kept = meeting('Design crit');
    const copy = megansCopy('Design crit');
    assert.equal(call('DELETE', `/me/events/${str(copy?.id)}`, { scopes: RW, oid: MEGAN.oid }).status, 204);
    assert.equal(megansCopy('Design crit'), undefined);
    assert.equal(call('GET', `/me/events/${str(kept.id)}`, { scopes: R }).status, 200, 'the organizer keeps it');
    const gone = meeting('Hiring sync');
    assert.equal(call('DELETE', `/me/events/${str(gone.id)}`, { scopes: RW }).status, 204);
    assert.equal(megansCopy('Hiring sync')?.isCancelled, true);
  });

  void it('creates in an own calendar by id', () => {
    const personal = list(call('GET', '/me/calendars', { scopes: R }).body.value)[1];
    const r = call('POST', `/me/calendars/${str(personal?.id)}/events`, {
      scopes: RW,
      body: {
        subject: 'Piano',
        start: { dateTime: iso(start).slice(0, 19), timeZone: 'UTC' },
        end: { dateTime: iso(start + 3_600_000).slice(0, 19), timeZone: 'UTC' },
      },
    });
    assert.equal(r.status, 201);
    const inPersonal = call('GET', `/me/calendars/${str(personal?.id)}/calendarView?${at}`, { scopes: R });
    assert.ok(list(inPersonal.body.value).some((e) => e.id === r.body.id));
    assert.ok(!list(call('GET', `/me/calendarView?${at}`, { scopes: R }).body.value).some((e) => e.id === r.body.id));
  });
});
