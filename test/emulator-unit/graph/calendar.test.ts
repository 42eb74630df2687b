import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_MS, createTestService, list, MEGAN, str } from './fake-deps.ts';

const R = ['Calendars.Read'];
const RW = ['Calendars.ReadWrite'];
const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();

void describe('graph emulator: calendar', () => {
  const { call } = createTestService();

  void it('calendarView requires both bounds', () => {
    const r = call('GET', `/me/calendarView?startDateTime=${iso(BASE_MS)}`, { scopes: R });
    assert.equal(r.status, 400);
    assert.equal(r.body.error?.code, 'ErrorInvalidParameter');
  });

  void it('calendarView returns events overlapping the window, sorted, paged with $skip', () => {
    const start = BASE_MS;
    const end = BASE_MS + 7 * DAY;
    const url = `/me/calendarView?startDateTime=${iso(start)}&endDateTime=${iso(end)}&$top=5`;
    const all: { s: number; e: number }[] = [];
    let next: string | undefined = url;
    while (next) {
      const r = call('GET', next, { scopes: R });
      assert.equal(r.status, 200);
      for (const ev of list(r.body.value)) {
        all.push({ s: Date.parse(`${str(ev.start?.dateTime)}Z`), e: Date.parse(`${str(ev.end?.dateTime)}Z`) });
        assert.equal(ev.start?.timeZone, 'UTC');
      }
      next = r.body['@odata.nextLink'] === undefined ? undefined : str(r.body['@odata.nextLink']);
    }
    assert.ok(all.length >= 5, `found ${all.length}`);
    assert.ok(all.every((x) => x.s < end && x.e > start));
    assert.deepEqual(
      all.map((x) => x.s),
      [...all.map((x) => x.s)].sort((a, b) => a - b),
    );
    // "This month" around the base date always has events (the demo relies on it).
    const month = call(
      'GET',
      `/me/calendarView?startDateTime=2026-03-01T00:00:00&endDateTime=2026-04-01T00:00:00&$top=1000`,
      { scopes: R },
    );
    assert.ok(list(month.body.value).length > 20);
    assert.ok(list(month.body.value).some((e) => e.isOnlineMeeting === (true as unknown)));
  });

  void it('converts to an IANA zone with Prefer: outlook.timezone', () => {
    const r = call(
      'GET',
      `/me/calendarView?startDateTime=${iso(BASE_MS)}&endDateTime=${iso(BASE_MS + 3 * DAY)}&$top=1`,
      {
        scopes: R,
        headers: { prefer: 'outlook.timezone="America/Los_Angeles"' },
      },
    );
    assert.equal(list(r.body.value)[0]?.start?.timeZone, 'America/Los_Angeles');
    assert.equal(r.headers['Preference-Applied'], 'outlook.timezone="America/Los_Angeles"');
  });

  void it('returns text bodies with Prefer: outlook.body-content-type="text", also next to a time zone', () => {
    const view = `/me/calendarView?startDateTime=${iso(BASE_MS)}&endDateTime=${iso(BASE_MS + 3 * DAY)}&$top=1`;
    const first = list(call('GET', view, { scopes: R }).body.value)[0];
    const id = str(first?.id);
    const html = call('GET', `/me/events/${id}?$select=subject,body`, { scopes: R });
    assert.equal(html.body.body?.contentType, 'html');
    assert.equal(html.headers['Preference-Applied'], undefined);

    const both = call('GET', `/me/events/${id}?$select=subject,body,start`, {
      scopes: R,
      headers: { prefer: 'outlook.timezone="Europe/Berlin", outlook.body-content-type="text"' },
    });
    assert.equal(both.body.body?.contentType, 'text');
    assert.doesNotMatch(str(both.body.body?.content), /<\/?(p|div|html|body)\b/);
    assert.match(str(both.body.body?.content), /\S/);
    assert.equal(both.body.start?.timeZone, 'Europe/Berlin');
    assert.equal(
      both.headers['Preference-Applied'],
      'outlook.body-content-type="text", outlook.timezone="Europe/Berlin"',
    );

    const listed = call('GET', `${view.replace('$top=1', '$top=1&$select=body')}`, {
      scopes: R,
      headers: { prefer: 'outlook.body-content-type=text' },
    });
    assert.equal(list(listed.body.value)[0]?.body?.contentType, 'text');
    assert.equal(listed.headers['Preference-Applied'], 'outlook.body-content-type="text"');
  });

  void it('creates an event (201) that appears in calendarView and in the attendee\u2019s calendar', () => {
    const start = BASE_MS + 2 * DAY + 20 * 3_600_000;
    const r = call('POST', '/me/events', {
      scopes: RW,
      body: {
        subject: 'Emulator planning',
        start: { dateTime: iso(start).slice(0, 19), timeZone: 'UTC' },
        end: { dateTime: iso(start + 3_600_000).slice(0, 19), timeZone: 'UTC' },
        attendees: [{ emailAddress: { address: MEGAN.mail, name: 'Megan' }, type: 'required' }],
        isOnlineMeeting: true,
      },
    });
    assert.equal(r.status, 201);
    assert.equal(r.body.isOrganizer, true);
    assert.match(str(r.body.onlineMeeting?.joinUrl), /^https:\/\/teams\.microsoft\.com\//);
    const view = call('GET', `/me/calendarView?startDateTime=${iso(start)}&endDateTime=${iso(start + 1000)}`, {
      scopes: R,
    });
    assert.ok(list(view.body.value).some((e) => e.id === r.body.id));
    const theirs = call('GET', `/me/calendarView?startDateTime=${iso(start)}&endDateTime=${iso(start + 1000)}`, {
      scopes: R,
      oid: MEGAN.oid,
    });
    const copy = list(theirs.body.value).find((e) => e.subject === ('Emulator planning' as unknown));
    assert.equal(copy?.isOrganizer, false);
    // Megan accepts; Adele's copy records it.
    assert.equal(
      call('POST', `/me/events/${str(copy?.id)}/accept`, { scopes: RW, oid: MEGAN.oid, body: { sendResponse: true } })
        .status,
      202,
    );
    const mine = call('GET', `/me/events/${str(r.body.id)}`, { scopes: R });
    assert.equal(list(mine.body.attendees)[0]?.status?.response, 'accepted');
    const own = call('POST', `/me/events/${str(r.body.id)}/decline`, { scopes: RW, body: {} });
    assert.equal(own.status, 400);
    assert.equal(call('POST', '/me/events', { scopes: RW, body: { subject: 'no times' } }).status, 400);
  });

  void it('getSchedule returns availabilityView and items per schedule, with an error entry for unknown addresses', () => {
    const r = call('POST', '/me/calendar/getSchedule', {
      scopes: R,
      body: {
        schedules: [MEGAN.mail, 'ghost@contoso.onmicrosoft.com'],
        startTime: { dateTime: iso(BASE_MS + 8 * 3_600_000).slice(0, 19), timeZone: 'UTC' },
        endTime: { dateTime: iso(BASE_MS + 18 * 3_600_000).slice(0, 19), timeZone: 'UTC' },
        availabilityViewInterval: 60,
      },
    });
    assert.equal(r.status, 200);
    const [megan, ghost] = list(r.body.value);
    assert.match(str(megan?.availabilityView), /^[0-4]{10}$/);
    assert.ok(list(megan?.scheduleItems).length > 0);
    assert.match(str(megan?.availabilityView), /[12]/);
    assert.equal(ghost?.error?.responseCode, 'ErrorMailRecipientNotFound');
  });
});
