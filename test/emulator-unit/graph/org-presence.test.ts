import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultUsers } from '../../emulator/fixtures.ts';
import { ADELE, BASE_MS, createTestService, list, MEGAN, str } from './fake-deps.ts';

const ALEX = defaultUsers()[2]!;

void describe('graph emulator: manager and direct reports', () => {
  const { call } = createTestService();
  const basic = ['User.ReadBasic.All'];

  void it('Adele heads Retail and reports to the President; Alex reports to the Marketing Manager', () => {
    const mine = call('GET', '/me/manager?$select=id,displayName,mail', { scopes: ['User.Read'] });
    assert.equal(mine.status, 200, str(mine.body.error?.message));
    assert.equal(mine.body['@odata.type'], '#microsoft.graph.user');
    assert.equal(mine.body.displayName, 'Patti Fernandez');
    const reports = list(call('GET', '/me/directReports', { scopes: ['User.Read'] }).body.value);
    assert.deepEqual(reports.map((u) => u.displayName).sort(), [
      'Christie Cline',
      'Lynne Robbins',
      'Rosa Delgado',
    ] as unknown);
    const alex = call('GET', `/users/${ALEX.upn}/manager`, { scopes: basic });
    assert.equal(alex.body.displayName, 'Bianca Pisani');
    assert.equal(alex.body.jobTitle, null, 'User.ReadBasic.All shows basic properties only');
    const patti = str(mine.body.id);
    const top = call('GET', `/users/${patti}/manager`, { scopes: basic });
    assert.equal(top.status, 404);
    assert.equal(top.body.error?.code, 'Request_ResourceNotFound');
    assert.equal(call('GET', `/users/${ALEX.upn}/manager`, { scopes: ['User.Read'] }).status, 403);
  });
});

void describe('graph emulator: presence', () => {
  const { call, deps } = createTestService();

  void it('/me/presence needs Presence.Read; getPresencesByUserId needs Presence.Read.All and ids', () => {
    const mine = call('GET', '/me/presence', { scopes: ['Presence.Read'] });
    assert.equal(mine.status, 200);
    assert.equal(mine.body.id, ADELE.oid);
    assert.ok(typeof mine.body.availability === 'string' && typeof mine.body.activity === 'string');
    const body = { ids: [MEGAN.oid, ALEX.oid, '00000000-0000-0000-0000-000000000000'] };
    assert.equal(call('POST', '/communications/getPresencesByUserId', { scopes: ['Presence.Read'], body }).status, 403);
    const r = call('POST', '/communications/getPresencesByUserId', { scopes: ['Presence.Read.All'], body });
    assert.equal(r.status, 200);
    const value = list(r.body.value);
    assert.deepEqual(
      value.map((p) => p.id),
      body.ids,
    );
    assert.equal(value[2]?.availability, 'PresenceUnknown');
    const byMail = call('POST', '/communications/getPresencesByUserId', {
      scopes: ['Presence.Read.All'],
      body: { ids: [MEGAN.mail] },
    });
    assert.equal(byMail.status, 400);
  });

  void it('someone in a busy meeting right now is Busy / InAMeeting', () => {
    const events = list(
      call(
        'GET',
        `/me/calendarView?startDateTime=${new Date(BASE_MS).toISOString()}&endDateTime=${new Date(BASE_MS + 5 * 86_400_000).toISOString()}&$top=100&$select=start,end,showAs,isAllDay`,
        {
          scopes: ['Calendars.Read'],
        },
      ).body.value,
    ).filter((e) => e.showAs === ('busy' as unknown) && e.isAllDay !== (true as unknown));
    const busy = events[0];
    assert.ok(busy, 'a busy meeting in the seeded week');
    deps.setNow(Date.parse(`${str(busy.start?.dateTime).slice(0, 19)}Z`) + 60_000);
    const r = call('GET', '/me/presence', { scopes: ['Presence.Read'] });
    assert.deepEqual([r.body.availability, r.body.activity], ['Busy', 'InAMeeting'] as unknown);
  });
});
