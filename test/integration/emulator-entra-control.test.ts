// The HTTP control plane (/_emulator/*, spec §11): key check, settings, grants, request log, and
// faults on both origins (status, AADSTS bodies, dropped connections).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.ts';
import { createControlClient, emulatorRequest, type ControlClient } from '../helpers/emulator-control.ts';

void describe('emulator: HTTP control plane', () => {
  let emu: RunningEmulator;
  let control: ControlClient;
  before(async () => {
    emu = await startEmulator();
    control = createControlClient({ entraOrigin: emu.entraOrigin, controlKey: emu.controlKey, caPem: emu.caPem });
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(async () => {
    await control.reset();
  });

  void it('refuses requests without the control key', async () => {
    const res = await emulatorRequest(emu.caPem, `${emu.entraOrigin}/_emulator/settings`);
    assert.equal(res.status, 401);
    const wrong = await emulatorRequest(emu.caPem, `${emu.entraOrigin}/_emulator/reset`, {
      method: 'POST',
      headers: { 'x-emulator-key': 'nope' },
    });
    assert.equal(wrong.status, 401);
  });

  void it('reads and changes settings, rejecting unknown keys', async () => {
    const changed = (await control.settings({ tokenLifetime: 250, scopeEcho: 'requested' })) as Record<string, unknown>;
    assert.equal(changed.tokenLifetime, 250);
    assert.equal(changed.scopeEcho, 'requested');
    await assert.rejects(control.settings({ bogus: 1 }), /400/);
    assert.equal(emu.control.settings().tokenLifetime, 250);
  });

  void it('sets and deletes consent grants', async () => {
    const adele = emu.users[0]!;
    await control.setGrant(adele.oid, emu.clientId, ['mail.read', 'https://graph.microsoft.com/User.Read']);
    assert.deepEqual(emu.control.grants(adele.oid)[emu.clientId]?.sort(), ['Mail.Read', 'User.Read']);
    await control.deleteGrant(adele.oid, emu.clientId);
    assert.deepEqual(emu.control.grants(adele.oid), {});
    await assert.rejects(control.setGrant(adele.oid, emu.clientId, ['Not.AScope']), /400/);
  });

  void it('logs requests on both origins (not the control plane) and filters by since', async () => {
    await emulatorRequest(emu.caPem, `${emu.authority}/v2.0/.well-known/openid-configuration`);
    await emulatorRequest(emu.caPem, `${emu.graphOrigin}/v1.0/me`);
    const all = (await control.requests()) as { seq: number; host: string; path: string; status: number }[];
    assert.deepEqual(
      all.map((e) => [e.host, e.path]),
      [
        ['entra', `/${emu.tenantId}/v2.0/.well-known/openid-configuration`],
        ['graph', '/v1.0/me'],
      ],
    );
    const later = (await control.requests(all[0]!.seq)) as unknown[];
    assert.equal(later.length, 1);
  });

  void it('injects faults on the Graph origin: N times, then passes through; and drops connections', async () => {
    await control.addFault({
      host: 'graph',
      method: 'GET',
      pathPattern: '^/v1\\.0/me$',
      count: 2,
      status: 503,
      body: { error: { code: 'serviceNotAvailable', message: 'x' } },
      headers: { 'Retry-After': '1' },
    });
    const a = await emulatorRequest(emu.caPem, `${emu.graphOrigin}/v1.0/me`);
    const b = await emulatorRequest(emu.caPem, `${emu.graphOrigin}/v1.0/me`);
    const c = await emulatorRequest(emu.caPem, `${emu.graphOrigin}/v1.0/me`);
    assert.deepEqual([a.status, b.status], [503, 503]);
    assert.equal(a.headers['retry-after'], '1');
    assert.notEqual(c.status, 503);

    await control.addFault({ host: 'graph', pathPattern: '^/v1\\.0/me$', drop: true });
    await assert.rejects(emulatorRequest(emu.caPem, `${emu.graphOrigin}/v1.0/me`), /socket hang up|ECONNRESET/);
  });

  void it('injects AADSTS-shaped faults on the Entra origin', async () => {
    await control.addFault({
      host: 'entra',
      pathPattern: '/token$',
      status: 503,
      aad: { error: 'temporarily_unavailable', code: 90033 },
    });
    const res = await emulatorRequest(emu.caPem, `${emu.authority}/oauth2/v2.0/token`, {
      form: { client_id: emu.clientId },
    });
    assert.equal(res.status, 503);
    const body = JSON.parse(res.text) as { error: string; error_codes: number[]; error_description: string };
    assert.equal(body.error, 'temporarily_unavailable');
    assert.deepEqual(body.error_codes, [90033]);
    assert.match(body.error_description, /^AADSTS90033: .* Trace ID: .* Correlation ID: .* Timestamp: /);
  });
});
