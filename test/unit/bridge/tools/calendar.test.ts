import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCalendarTools, scheduleBusy } from '../../../../bridge/tools/calendar.ts';
import { computeFreeSlots, mergeIntervals, workingWindows } from '../../../../bridge/tools/shared/free-slots.ts';
import { formatInZone, graphDateTimeToMs, parseInstant, zonedToUtc } from '../../../../bridge/tools/shared/time.ts';
import { assertCatalogRules, byName, fakeContext, rejectsWithCode, runTool } from './shared/fake-context.ts';

const NOW = Date.parse('2026-05-04T08:10:00Z'); // a Monday
const tools = createCalendarTools({ now: () => NOW });
const ms = (iso: string): number => Date.parse(iso);

const EVENT = {
  id: 'AAMkEvent1=',
  subject: 'Weekly sync',
  bodyPreview: 'Agenda:\n  1. status',
  start: { dateTime: '2026-05-04T09:00:00.0000000', timeZone: 'UTC' },
  end: { dateTime: '2026-05-04T09:30:00.0000000', timeZone: 'UTC' },
  location: { displayName: 'Room 1' },
  organizer: { emailAddress: { name: 'Ada Lovelace', address: 'ada@contoso.com' } },
  attendees: [
    { emailAddress: { name: 'Bob', address: 'bob@contoso.com' }, type: 'required', status: { response: 'accepted' } },
    { emailAddress: { address: 'cy@contoso.com' }, type: 'optional', status: { response: 'none' } },
  ],
  isOnlineMeeting: true,
  onlineMeeting: { joinUrl: 'https://teams.example/join/1' },
  responseStatus: { response: 'notResponded' },
  showAs: 'busy',
};

void describe('calendar tools catalog', () => {
  void it('follows the catalog rules and least-privilege scopes', () => {
    assertCatalogRules(tools);
    assert.deepEqual(byName(tools, 'list_events').scopes, ['Calendars.Read']);
    assert.deepEqual(byName(tools, 'create_event').scopes, ['Calendars.ReadWrite']);
    assert.deepEqual(byName(tools, 'list_calendars').scopes, ['Calendars.Read']);
    assert.equal(byName(tools, 'update_event').write, true);
    assert.equal(byName(tools, 'update_event').annotations.destructiveHint, true);
    for (const t of tools) assert.equal(t.outputSchema, undefined, `${t.name}: results are text`);
    assert.equal(byName(tools, 'create_event').write, true);
    assert.equal(byName(tools, 'respond_to_event').write, true);
    assert.equal(byName(tools, 'find_free_times').write, false);
  });
});

void describe('list_events', () => {
  void it('defaults to now → +7 days on /me/calendarView with $select and shapes events', async () => {
    const fake = fakeContext({ routes: { 'GET /me/calendarView': { items: [EVENT], nextCursor: 'gb1.next' } } });
    const result = await runTool(byName(tools, 'list_events'), {}, fake.ctx);
    const [rec] = fake.graph;
    assert.ok(rec);
    assert.equal(rec.kind, 'page');
    assert.equal(rec.call.query?.startDateTime, '2026-05-04T08:10:00Z');
    assert.equal(rec.call.query?.endDateTime, '2026-05-11T08:10:00Z');
    assert.match(String(rec.call.query?.$select), /subject/);
    assert.deepEqual(rec.call.scopes, ['Calendars.Read']);
    assert.equal(rec.call.headers, undefined);
    assert.equal(result.structured, undefined);
    assert.match(result.text, /\| 2 attendee\(s\) \| online \| you: notResponded/);
    assert.match(
      result.text,
      /Weekly sync \| 2026-05-04 09:00–09:30 UTC \| at Room 1 \| organizer Ada Lovelace <ada@contoso\.com>/,
    );
    assert.match(result.text, /cursor "gb1\.next"/);
  });

  void it('passes the window, time zone Prefer header and cursor through', async () => {
    const fake = fakeContext({ routes: { 'GET /me/calendarView': { items: [], nextCursor: null } } });
    await runTool(
      byName(tools, 'list_events'),
      { start: '2026-06-01', end: '2026-06-02T12:00:00+02:00', timeZone: 'Europe/Berlin', cursor: 'gb1.abc', top: 5 },
      fake.ctx,
    );
    const rec = fake.graph[0];
    assert.equal(rec?.call.query?.startDateTime, '2026-06-01T00:00:00Z');
    assert.equal(rec?.call.query?.endDateTime, '2026-06-02T10:00:00Z');
    assert.equal(rec?.call.query?.$top, 5);
    assert.equal(rec?.call.headers?.Prefer, 'outlook.timezone="Europe/Berlin"');
    assert.equal(rec?.cursor, 'gb1.abc');
  });

  void it('rejects an inverted window and header-unsafe zone names before calling Graph', async () => {
    const fake = fakeContext();
    await rejectsWithCode(
      runTool(byName(tools, 'list_events'), { start: '2026-06-02', end: '2026-06-01' }, fake.ctx),
      'INVALID_INPUT',
    );
    await rejectsWithCode(
      runTool(byName(tools, 'list_events'), { timeZone: 'UTC"\r\nX: y' }, fake.ctx),
      'INVALID_INPUT',
    );
    await rejectsWithCode(runTool(byName(tools, 'list_events'), { start: 'next tuesday' }, fake.ctx), 'INVALID_INPUT');
    assert.equal(fake.graph.length, 0);
  });

  void it('caps a long result and keeps the cursor note', async () => {
    const many = Array.from({ length: 50 }, (_, i) => ({
      ...EVENT,
      id: `id-${i}`,
      subject: `Meeting ${i} ${'x'.repeat(80)}`,
    }));
    const fake = fakeContext({
      routes: { 'GET /me/calendarView': { items: many, nextCursor: 'gb1.more' } },
      limits: { maxResultChars: 1500 },
    });
    const result = await runTool(byName(tools, 'list_events'), { top: 50 }, fake.ctx);
    assert.ok(result.text.length <= 1500, `text ${result.text.length} chars`);
    assert.match(
      result.text,
      /\n\[45 more item\(s\) of this page left out to stay within 1500 characters; ask for fewer/,
    );
    assert.match(result.text, /cursor "gb1\.more"/);
    // Whole entries only: every entry line shown ends with its last field.
    const entries = result.text.split('\n').filter((l) => l.startsWith('- '));
    assert.equal(entries.length, 5);
    for (const entry of entries) assert.match(entry, /\| you: notResponded$/);
  });
});

void describe('get_event', () => {
  void it('gets one event with body as text', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/events/AAMk%2Fx=': {
          ...EVENT,
          body: { contentType: 'html', content: '<p>Hello&nbsp;<b>team</b></p><ul><li>one</li></ul>' },
        },
      },
    });
    const result = await runTool(byName(tools, 'get_event'), { eventId: 'AAMk/x=' }, fake.ctx);
    const rec = fake.graph[0];
    assert.equal(rec?.call.pathTemplate, '/me/events/{id}');
    assert.match(String(rec?.call.query?.$select), /body/);
    assert.match(result.text, /Hello team/);
    assert.doesNotMatch(result.text, /<p>/);
    assert.match(result.text, /Attendees: Bob <bob@contoso\.com> \(accepted\); cy@contoso\.com \(optional\)/);
    assert.equal(rec?.call.headers?.Prefer, 'outlook.body-content-type="text"', 'Graph is asked for text');
  });

  void it('a long body is cut with a note naming maxBodyChars; the zone and text preferences go together', async () => {
    const long = 'agenda item '.repeat(2000);
    const fake = fakeContext({
      routes: { 'GET /me/events/e-1': { ...EVENT, body: { contentType: 'text', content: long } } },
    });
    const short = await runTool(byName(tools, 'get_event'), { eventId: 'e-1', timeZone: 'Europe/Berlin' }, fake.ctx);
    assert.equal(
      fake.graph[0]?.call.headers?.Prefer,
      'outlook.body-content-type="text", outlook.timezone="Europe/Berlin"',
    );
    assert.match(
      short.text,
      /\[… body cut: showing \d+ of 23999 characters; call again with maxBodyChars: \d+ to see more\]/,
    );
    const more = await runTool(byName(tools, 'get_event'), { eventId: 'e-1', maxBodyChars: 100_000 }, fake.ctx);
    assert.ok(more.text.length <= 20_000, `${more.text.length} characters`);
    assert.match(more.text, /is the most one result can show; open the event in Outlook/);
  });
});

void describe('create_event', () => {
  const input = {
    subject: 'Q3 planning',
    start: '2026-05-05T10:00',
    end: '2026-05-05T11:00:00',
    timeZone: 'Europe/Berlin',
    attendees: ['bob@contoso.com', 'cy@contoso.com'],
    location: 'Room 2',
    body: 'Bring numbers',
    isOnlineMeeting: true,
  };

  void it('asks for approval with a human summary, then POSTs /me/events', async () => {
    const fake = fakeContext({
      routes: {
        'POST /me/events': (call) => ({ id: 'new-1', ...(call.body as object), isOnlineMeeting: true }),
      },
    });
    const result = await runTool(byName(tools, 'create_event'), input, fake.ctx);
    assert.deepEqual(fake.log, ['approve', 'request POST /me/events']);
    const approval = fake.approvals[0];
    assert.match(
      approval?.summary ?? '',
      /Create event "Q3 planning" on 2026-05-05 10:00 – 2026-05-05 11:00 \(Europe\/Berlin\)/,
    );
    assert.match(approval?.summary ?? '', /bob@contoso\.com, cy@contoso\.com \(invitations will be sent\)/);
    assert.equal(approval?.details?.Location, 'Room 2');
    const body = fake.graph[0]?.call.body as Record<string, unknown>;
    assert.deepEqual(body.start, { dateTime: '2026-05-05T10:00:00', timeZone: 'Europe/Berlin' });
    assert.deepEqual(body.attendees, [
      { emailAddress: { address: 'bob@contoso.com' }, type: 'required' },
      { emailAddress: { address: 'cy@contoso.com' }, type: 'required' },
    ]);
    assert.deepEqual(body.body, { contentType: 'text', content: 'Bring numbers' });
    assert.equal(body.onlineMeetingProvider, 'teamsForBusiness');
    assert.deepEqual(fake.graph[0]?.call.scopes, ['Calendars.ReadWrite']);
    assert.match(result.text, /Created event/);
  });

  void it('never calls Graph when the approval is denied', async () => {
    const fake = fakeContext({ deny: true, routes: { 'POST /me/events': {} } });
    await rejectsWithCode(runTool(byName(tools, 'create_event'), input, fake.ctx), 'APPROVAL_DENIED');
    assert.deepEqual(fake.log, ['approve']);
    assert.equal(fake.graph.length, 0);
  });

  void it('converts offset times to UTC and rejects end before start without asking', async () => {
    const fake = fakeContext({ routes: { 'POST /me/events': (c) => ({ id: 'x', ...(c.body as object) }) } });
    await runTool(
      byName(tools, 'create_event'),
      { subject: 'x', start: '2026-05-05T10:00:00+02:00', end: '2026-05-05T11:00:00+02:00' },
      fake.ctx,
    );
    assert.deepEqual((fake.graph[0]?.call.body as { start: unknown }).start, {
      dateTime: '2026-05-05T08:00:00',
      timeZone: 'UTC',
    });
    const fake2 = fakeContext();
    await rejectsWithCode(
      runTool(
        byName(tools, 'create_event'),
        { subject: 'x', start: '2026-05-05T10:00', end: '2026-05-05T09:00' },
        fake2.ctx,
      ),
      'INVALID_INPUT',
    );
    assert.equal(fake2.approvals.length, 0);
  });
});

void describe('respond_to_event', () => {
  void it('reads the event for the summary, asks, then POSTs tentativelyAccept', async () => {
    const fake = fakeContext({
      routes: { 'GET /me/events/ev1': EVENT, 'POST /me/events/ev1/tentativelyAccept': undefined },
    });
    const result = await runTool(
      byName(tools, 'respond_to_event'),
      { eventId: 'ev1', response: 'tentative', comment: 'May be late' },
      fake.ctx,
    );
    assert.deepEqual(fake.log, [
      'request GET /me/events/ev1',
      'approve',
      'request POST /me/events/ev1/tentativelyAccept',
    ]);
    assert.match(
      fake.approvals[0]?.summary ?? '',
      /Tentatively accept "Weekly sync" \(2026-05-04 09:00–09:30 UTC\) from Ada Lovelace/,
    );
    assert.match(fake.approvals[0]?.summary ?? '', /May be late/);
    assert.deepEqual(fake.graph[1]?.call.body, { sendResponse: true, comment: 'May be late' });
    assert.equal(fake.graph[1]?.call.pathTemplate, '/me/events/{id}/tentativelyAccept');
    assert.match(result.text, /Tentatively accepted "Weekly sync"/);
  });

  void it('sends nothing when denied', async () => {
    const fake = fakeContext({ deny: true, routes: { 'GET /me/events/ev1': EVENT } });
    await rejectsWithCode(
      runTool(byName(tools, 'respond_to_event'), { eventId: 'ev1', response: 'decline' }, fake.ctx),
      'APPROVAL_DENIED',
    );
    assert.deepEqual(fake.log, ['request GET /me/events/ev1', 'approve']);
  });
});

void describe('free-slot computation', () => {
  void it('merges overlapping and touching busy intervals', () => {
    assert.deepEqual(
      mergeIntervals([
        { start: 5, end: 7 },
        { start: 1, end: 3 },
        { start: 3, end: 4 },
        { start: 6, end: 9 },
        { start: 2, end: 2 },
      ]),
      [
        { start: 1, end: 4 },
        { start: 5, end: 9 },
      ],
    );
  });

  void it('subtracts busy time from allowed windows and keeps long-enough gaps', () => {
    const window = { start: ms('2026-05-04T09:00:00Z'), end: ms('2026-05-04T17:00:00Z') };
    const { slots, more } = computeFreeSlots({
      window,
      busy: [
        { start: ms('2026-05-04T08:00:00Z'), end: ms('2026-05-04T09:30:00Z') },
        { start: ms('2026-05-04T10:00:00Z'), end: ms('2026-05-04T10:15:00Z') }, // leaves a 30-min gap 09:30-10:00
        { start: ms('2026-05-04T10:10:00Z'), end: ms('2026-05-04T12:00:00Z') },
        { start: ms('2026-05-04T12:20:00Z'), end: ms('2026-05-04T16:00:00Z') }, // 20-min gap is too short
      ],
      durationMs: 30 * 60_000,
      maxSlots: 10,
    });
    assert.deepEqual(
      slots.map((s) => [new Date(s.start).toISOString(), new Date(s.end).toISOString()]),
      [
        ['2026-05-04T09:30:00.000Z', '2026-05-04T10:00:00.000Z'],
        ['2026-05-04T16:00:00.000Z', '2026-05-04T17:00:00.000Z'],
      ],
    );
    assert.equal(more, false);
    const limited = computeFreeSlots({ window, busy: [], durationMs: 60_000, maxSlots: 0 });
    assert.equal(limited.more, true);
  });

  void it('builds working-hour windows in a zone across a DST change, skipping weekends', () => {
    // Europe/Berlin switches to summer time on Sunday 2026-03-29.
    const windows = workingWindows(
      { start: ms('2026-03-27T00:00:00Z'), end: ms('2026-03-31T00:00:00Z') },
      { timeZone: 'Europe/Berlin', dayStart: 9 * 60, dayEnd: 17 * 60, weekdaysOnly: true },
    );
    assert.deepEqual(
      windows.map((w) => [new Date(w.start).toISOString(), new Date(w.end).toISOString()]),
      [
        ['2026-03-27T08:00:00.000Z', '2026-03-27T16:00:00.000Z'], // Friday, CET (+1)
        ['2026-03-30T07:00:00.000Z', '2026-03-30T15:00:00.000Z'], // Monday, CEST (+2)
      ],
    );
  });

  void it('reads busy time from scheduleItems, or from availabilityView when items are missing', () => {
    const start = ms('2026-05-04T09:00:00Z');
    const fromItems = scheduleBusy(
      {
        scheduleItems: [
          {
            status: 'busy',
            start: { dateTime: '2026-05-04T09:00:00.0000000', timeZone: 'UTC' },
            end: { dateTime: '2026-05-04T10:00:00', timeZone: 'UTC' },
          },
          {
            status: 'free',
            start: { dateTime: '2026-05-04T11:00:00', timeZone: 'UTC' },
            end: { dateTime: '2026-05-04T12:00:00', timeZone: 'UTC' },
          },
          {
            status: 'tentative',
            start: { dateTime: '2026-05-04T13:00:00', timeZone: 'UTC' },
            end: { dateTime: '2026-05-04T14:00:00', timeZone: 'UTC' },
          },
        ],
      },
      start,
      false,
    );
    assert.deepEqual(fromItems, [{ start, end: ms('2026-05-04T10:00:00Z') }]);
    const fromView = scheduleBusy({ availabilityView: '0210' }, start, true);
    assert.deepEqual(fromView, [
      { start: ms('2026-05-04T09:15:00Z'), end: ms('2026-05-04T09:30:00Z') },
      { start: ms('2026-05-04T09:30:00Z'), end: ms('2026-05-04T09:45:00Z') },
    ]);
  });

  void it('converts zoned wall times both ways', () => {
    assert.equal(
      zonedToUtc({ year: 2026, month: 7, day: 1, hour: 9, minute: 0 }, 'America/New_York'),
      ms('2026-07-01T13:00:00Z'),
    );
    assert.equal(formatInZone(ms('2026-07-01T13:00:00Z'), 'America/New_York'), 'Wed 2026-07-01 09:00');
    assert.equal(
      graphDateTimeToMs({ dateTime: '2026-07-01T09:00:00.0000000', timeZone: 'America/New_York' }),
      ms('2026-07-01T13:00:00Z'),
    );
    assert.equal(parseInstant('2026-07-01T09:00:00', 'x'), ms('2026-07-01T09:00:00Z'));
  });
});

void describe('find_free_times', () => {
  void it("combines the user's calendarView with attendees' getSchedule and returns common free slots", async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/calendarView': {
          items: [
            {
              id: 'a',
              start: { dateTime: '2026-05-04T09:00:00', timeZone: 'UTC' },
              end: { dateTime: '2026-05-04T10:00:00', timeZone: 'UTC' },
              showAs: 'busy',
            },
            {
              id: 'b',
              start: { dateTime: '2026-05-04T12:00:00', timeZone: 'UTC' },
              end: { dateTime: '2026-05-04T13:00:00', timeZone: 'UTC' },
              showAs: 'free',
            },
            {
              id: 'c',
              start: { dateTime: '2026-05-04T14:00:00', timeZone: 'UTC' },
              end: { dateTime: '2026-05-04T15:00:00', timeZone: 'UTC' },
              showAs: 'busy',
              isCancelled: true,
            },
          ],
          nextCursor: null,
        },
        'POST /me/calendar/getSchedule': {
          value: [
            {
              scheduleId: 'bob@contoso.com',
              scheduleItems: [
                {
                  status: 'busy',
                  start: { dateTime: '2026-05-04T10:00:00', timeZone: 'UTC' },
                  end: { dateTime: '2026-05-04T11:30:00', timeZone: 'UTC' },
                },
              ],
            },
            { scheduleId: 'ext@fabrikam.com', error: { message: 'Not allowed', responseCode: 'ErrorAccessDenied' } },
          ],
        },
      },
    });
    const result = await runTool(
      byName(tools, 'find_free_times'),
      {
        attendees: ['bob@contoso.com', 'ext@fabrikam.com'],
        start: '2026-05-04T09:00:00Z',
        end: '2026-05-04T17:00:00Z',
        durationMinutes: 60,
      },
      fake.ctx,
    );
    const schedule = fake.graph.find((g) => g.call.path === '/me/calendar/getSchedule');
    assert.equal(schedule?.call.method, 'POST');
    assert.equal(schedule?.call.readOnly, true, 'getSchedule is a read and must not need approval');
    assert.deepEqual((schedule?.call.body as { schedules: string[] }).schedules, [
      'bob@contoso.com',
      'ext@fabrikam.com',
    ]);
    assert.deepEqual(schedule?.call.scopes, ['Calendars.Read']);
    assert.equal(fake.approvals.length, 0);
    assert.match(result.text, /^Free for 60\+ min \(me, bob@contoso\.com; times in UTC\):$/m);
    const slots = result.text.split('\n').filter((l) => l.startsWith('- '));
    assert.deepEqual(slots, ['- Mon 2026-05-04 11:30–17:00  (2026-05-04T11:30:00Z → 2026-05-04T17:00:00Z)']);
    assert.match(result.text, /Not included: ext@fabrikam\.com — Not allowed/);
  });

  void it('uses working hours in the zone by default and skips getSchedule without attendees', async () => {
    const fake = fakeContext({ routes: { 'GET /me/calendarView': { items: [], nextCursor: null } } });
    const result = await runTool(
      byName(tools, 'find_free_times'),
      { timeZone: 'Europe/Berlin', start: '2026-05-08T00:00:00Z', end: '2026-05-12T00:00:00Z' },
      fake.ctx,
    );
    assert.deepEqual(
      fake.graph.map((g) => g.call.path),
      ['/me/calendarView'],
    );
    assert.deepEqual(
      result.text
        .split('\n')
        .filter((l) => l.startsWith('- '))
        .map((l) => l.slice(2, 28)),
      ['Fri 2026-05-08 09:00–17:00', 'Mon 2026-05-11 09:00–17:00'],
    );
  });

  void it('validates input before calling Graph', async () => {
    const fake = fakeContext();
    await rejectsWithCode(runTool(byName(tools, 'find_free_times'), { includeMe: false }, fake.ctx), 'INVALID_INPUT');
    await rejectsWithCode(
      runTool(byName(tools, 'find_free_times'), { timeZone: 'Mars/Olympus' }, fake.ctx),
      'INVALID_INPUT',
    );
    await rejectsWithCode(
      runTool(byName(tools, 'find_free_times'), { start: '2026-01-01', end: '2026-04-01' }, fake.ctx),
      'INVALID_INPUT',
      /62 days/,
    );
    assert.equal(fake.graph.length, 0);
  });
  void it('checks its input in this order, with these messages, before calling Graph', async () => {
    const fake = fakeContext();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ includeMe: false, timeZone: 'Mars/Olympus' }, /^Give at least one attendee or set includeMe to true\.$/],
      [
        { timeZone: 'Mars/Olympus', workdayStart: '9am' },
        /^timeZone "Mars\/Olympus" is not an IANA time zone such as Europe\/Berlin\.$/,
      ],
      [{ workdayStart: '25:00', workdayEnd: 'x' }, /^workdayStart "25:00" is not a time of day/],
      [{ workdayEnd: 'x' }, /^workdayEnd "x" is not a time of day/],
      [{ workdayStart: '17:00', workdayEnd: '09:00', start: 'bad' }, /^workdayEnd must be after workdayStart\.$/],
      [
        {
          workingHoursOnly: false,
          workdayStart: '17:00',
          workdayEnd: '09:00',
          start: '2026-05-04T09:01:00Z',
          end: '2026-05-04T09:10:00Z',
        },
        /^The window is too short\.$/,
      ],
    ];
    for (const [input, message] of cases) {
      await rejectsWithCode(runTool(byName(tools, 'find_free_times'), input, fake.ctx), 'INVALID_INPUT', message);
    }
    assert.equal(fake.graph.length, 0);
  });

  void it('attendees only, all day: no calendarView, no "me", an attendee without an answer is named', async () => {
    const fake = fakeContext({
      routes: {
        'POST /me/calendar/getSchedule': { value: [{ scheduleId: 'bob@contoso.com', availabilityView: '2222' }] },
      },
    });
    const result = await runTool(
      byName(tools, 'find_free_times'),
      {
        includeMe: false,
        attendees: ['bob@contoso.com', 'gone@contoso.com'],
        workingHoursOnly: false,
        start: '2026-05-04T09:00:00Z',
        end: '2026-05-04T10:00:00Z',
      },
      fake.ctx,
    );
    assert.deepEqual(
      fake.graph.map((g) => g.call.path),
      ['/me/calendar/getSchedule'],
    );
    assert.equal(
      result.text,
      [
        'Free for 30+ min (bob@contoso.com; times in UTC):',
        '(none in this window)',
        'Not included: gone@contoso.com — no free/busy information returned',
      ].join('\n'),
    );
  });

  void it('says when more free ranges exist than maxSlots', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/calendarView': {
          items: [
            {
              id: 'a',
              start: { dateTime: '2026-05-04T10:00:00', timeZone: 'UTC' },
              end: { dateTime: '2026-05-04T11:00:00', timeZone: 'UTC' },
            },
          ],
          nextCursor: null,
        },
      },
    });
    const result = await runTool(
      byName(tools, 'find_free_times'),
      { workingHoursOnly: false, start: '2026-05-04T09:00:00Z', end: '2026-05-04T12:00:00Z', maxSlots: 1 },
      fake.ctx,
    );
    assert.equal(
      result.text,
      [
        'Free for 30+ min (me; times in UTC):',
        '- Mon 2026-05-04 09:00–10:00  (2026-05-04T09:00:00Z → 2026-05-04T10:00:00Z)',
        'More free ranges exist; narrow the window or raise maxSlots (max 50).',
      ].join('\n'),
    );
  });
});

void describe('list_calendars and the calendar parameter', () => {
  const calendars = [
    {
      id: 'AAMkCal0=',
      name: 'Calendar',
      isDefaultCalendar: true,
      canEdit: true,
      owner: { name: 'Me', address: 'me@contoso.com' },
    },
    { id: 'AAMkCal1=', name: 'Kids\nparties', canEdit: false, owner: { name: 'Alex', address: 'alex@contoso.com' } },
  ];

  void it('lists calendars with owner and edit rights; a calendar owned by someone else is shared', async () => {
    const fake = fakeContext({ routes: { 'GET /me/calendars': { items: calendars, nextCursor: null } } });
    const r = await runTool(byName(tools, 'list_calendars'), {}, fake.ctx);
    assert.equal(fake.graph[0]?.call.query?.$select, 'id,name,owner,canEdit,isDefaultCalendar');
    assert.match(r.text, /- \[AAMkCal0=\] Calendar \| default \| you can edit/);
    assert.match(r.text, /- \[AAMkCal1=\] Kids parties \| shared by Alex <alex@contoso\.com> \| read-only/);
  });

  void it('reads one of your calendars by id, or a person’s shared calendar by email with Calendars.Read.Shared', async () => {
    const fake = fakeContext({
      routes: {
        'GET /me/calendars/AAMk%2FCal1=/calendarView': { items: [EVENT], nextCursor: null },
        'GET /users/alex@contoso.com/calendar/calendarView': { items: [EVENT], nextCursor: null },
        'GET /users/alex@contoso.com/calendar/events/ev9': EVENT,
      },
    });
    await runTool(byName(tools, 'list_events'), { calendar: 'AAMk/Cal1=' }, fake.ctx);
    assert.equal(fake.graph[0]?.call.pathTemplate, '/me/calendars/{id}/calendarView');
    assert.deepEqual(fake.graph[0]?.call.scopes, ['Calendars.Read']);
    const shared = await runTool(byName(tools, 'list_events'), { calendar: 'alex@contoso.com' }, fake.ctx);
    assert.equal(fake.graph[1]?.call.pathTemplate, '/users/{id}/calendar/calendarView');
    assert.deepEqual(fake.graph[1]?.call.scopes, ['Calendars.Read.Shared']);
    assert.match(shared.text, /in alex@contoso\.com's calendar/);
    await runTool(byName(tools, 'get_event'), { eventId: 'ev9', calendar: 'alex@contoso.com' }, fake.ctx);
    assert.equal(fake.graph[2]?.call.pathTemplate, '/users/{id}/calendar/events/{id}');
    assert.deepEqual(fake.graph[2]?.call.scopes, ['Calendars.Read.Shared']);
  });

  void it('creates an event in a given own calendar, and refuses another person’s calendar', async () => {
    const fake = fakeContext({
      routes: { 'POST /me/calendars/AAMkCal1=/events': (c) => ({ id: 'n', ...(c.body as object) }) },
    });
    const base = { subject: 'Party', start: '2026-05-05T15:00', end: '2026-05-05T17:00' };
    await runTool(byName(tools, 'create_event'), { ...base, calendar: 'AAMkCal1=' }, fake.ctx);
    assert.deepEqual(fake.log, ['approve', 'request POST /me/calendars/AAMkCal1=/events']);
    await rejectsWithCode(
      runTool(byName(tools, 'create_event'), { ...base, calendar: 'alex@contoso.com' }, fake.ctx),
      'INVALID_INPUT',
    );
    assert.equal(fake.approvals.length, 1, 'the refused one asked nothing');
  });
});

void describe('update_event', () => {
  const MINE = {
    ...EVENT,
    id: 'ev1',
    isOrganizer: true,
    organizer: { emailAddress: { name: 'Me', address: 'me@contoso.com' } },
  };
  const THEIRS = { ...EVENT, id: 'ev2', isOrganizer: false };
  const routes = {
    'GET /me/events/ev1': MINE,
    'GET /me/events/ev2': THEIRS,
    'PATCH /me/events/ev1': (c: { body?: unknown }) => ({ ...MINE, ...(c.body as object) }),
    'POST /me/events/ev1/cancel': undefined,
    'DELETE /me/events/ev1': undefined,
    'DELETE /me/events/ev2': undefined,
  };

  void it('update: reads the event, shows each change in the approval, then PATCHes only the fields given', async () => {
    const fake = fakeContext({ routes });
    const r = await runTool(
      byName(tools, 'update_event'),
      {
        eventId: 'ev1',
        subject: 'Weekly sync (moved)',
        start: '2026-05-05T10:00',
        end: '2026-05-05T10:30',
        timeZone: 'Europe/Berlin',
      },
      fake.ctx,
    );
    assert.deepEqual(fake.log, ['request GET /me/events/ev1', 'approve', 'request PATCH /me/events/ev1']);
    const approval = fake.approvals[0];
    assert.match(
      approval?.summary ?? '',
      /^Update event "Weekly sync" \(2026-05-04 09:00–09:30 UTC\): subject, when changed; 2 attendee\(s\) get an update$/,
    );
    assert.equal(approval?.details?.Action, 'update');
    assert.equal(approval?.details?.Subject, '"Weekly sync" → "Weekly sync (moved)"');
    assert.equal(
      approval?.details?.When,
      '2026-05-04 09:00–09:30 UTC → 2026-05-05 10:00 – 2026-05-05 10:30 (Europe/Berlin)',
    );
    assert.deepEqual(fake.graph[1]?.call.body, {
      subject: 'Weekly sync (moved)',
      start: { dateTime: '2026-05-05T10:00:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2026-05-05T10:30:00', timeZone: 'Europe/Berlin' },
    });
    assert.deepEqual(fake.graph[1]?.call.scopes, ['Calendars.ReadWrite']);
    assert.match(r.text, /^Updated event\.\nSubject: Weekly sync \(moved\)/);
  });

  void it('update refuses nothing to change, or only one end of the time, before asking', async () => {
    const fake = fakeContext({ routes });
    await rejectsWithCode(
      runTool(byName(tools, 'update_event'), { eventId: 'ev1' }, fake.ctx),
      'INVALID_INPUT',
      /Nothing to update/,
    );
    await rejectsWithCode(
      runTool(byName(tools, 'update_event'), { eventId: 'ev1', start: '2026-05-05T10:00' }, fake.ctx),
      'INVALID_INPUT',
      /both start and end/,
    );
    assert.equal(fake.approvals.length, 0);
  });

  void it('cancel: organizer only, with the comment to the attendees', async () => {
    const fake = fakeContext({ routes });
    const r = await runTool(
      byName(tools, 'update_event'),
      { eventId: 'ev1', action: 'cancel', comment: 'Moving to next week' },
      fake.ctx,
    );
    assert.match(
      fake.approvals[0]?.summary ?? '',
      /^Cancel meeting "Weekly sync" .*; 2 attendee\(s\) get a cancellation with message "Moving to next week"$/,
    );
    assert.equal(fake.graph[1]?.call.pathTemplate, '/me/events/{id}/cancel');
    assert.deepEqual(fake.graph[1]?.call.body, { comment: 'Moving to next week' });
    assert.match(r.text, /^Cancelled "Weekly sync"/);
    const attendee = fakeContext({ routes });
    await rejectsWithCode(
      runTool(byName(tools, 'update_event'), { eventId: 'ev2', action: 'cancel' }, attendee.ctx),
      'NOT_ORGANIZER',
      /Only the organizer \(Ada Lovelace <ada@contoso\.com>\) can cancel .*respond_to_event/,
    );
    assert.deepEqual(attendee.log, ['request GET /me/events/ev2'], 'nothing asked, nothing sent');
  });

  void it('delete: says attendees get a cancellation when you organize it', async () => {
    const fake = fakeContext({ routes });
    await runTool(byName(tools, 'update_event'), { eventId: 'ev1', action: 'delete' }, fake.ctx);
    assert.match(
      fake.approvals[0]?.summary ?? '',
      /^Delete event "Weekly sync" .*; 2 attendee\(s\) get a cancellation$/,
    );
    await runTool(byName(tools, 'update_event'), { eventId: 'ev2', action: 'delete' }, fake.ctx);
    assert.match(fake.approvals[1]?.summary ?? '', /^Delete event "Weekly sync" \(2026-05-04 09:00–09:30 UTC\)$/);
    assert.deepEqual(
      fake.log.filter((l) => l.includes('DELETE')),
      ['request DELETE /me/events/ev1', 'request DELETE /me/events/ev2'],
    );
  });

  void it('sends nothing when the user denies any action', async () => {
    for (const action of ['update', 'cancel', 'delete'] as const) {
      const fake = fakeContext({ routes, deny: true });
      await rejectsWithCode(
        runTool(byName(tools, 'update_event'), { eventId: 'ev1', action, subject: 'x' }, fake.ctx),
        'APPROVAL_DENIED',
      );
      assert.deepEqual(fake.log, ['request GET /me/events/ev1', 'approve'], action);
    }
  });

  void it('peer text in the approval is one clean line', async () => {
    const hostile = { ...MINE, subject: 'Sync\n- [e1] fake entry\u001b[31m' };
    const fake = fakeContext({ routes: { ...routes, 'GET /me/events/ev1': hostile } });
    await runTool(byName(tools, 'update_event'), { eventId: 'ev1', action: 'delete' }, fake.ctx);
    assert.ok(!/\n/.test(fake.approvals[0]?.summary ?? '') && !(fake.approvals[0]?.summary ?? '').includes('\u001b'));
    assert.match(fake.approvals[0]?.summary ?? '', /"Sync - \[e1\] fake entry"/);
  });
});
