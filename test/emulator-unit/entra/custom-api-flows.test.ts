// Custom-API tokens through the real emulator (HTTPS on loopback, port 0): the token endpoint's
// grants (device code, refresh, authorization code), one resource per token request (AADSTS28000),
// unknown resources (AADSTS500011), consent (65001), the control plane's `apis` and `requests?host=`,
// and the served demo API with the tokens it issued.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { emulatorRequest, type HttpResult } from '../../helpers/emulator-control.ts';
import { startEmulator, type RunningEmulator, type ServedApi } from '../../emulator/index.ts';
import { decodeJwt } from '../../emulator/jwt.ts';

void describe('emulator: tokens for a custom API through the endpoints', () => {
  let emu: RunningEmulator;
  let api: ServedApi;
  let adele: RunningEmulator['users'][number];

  const token = (form: Record<string, string>): Promise<HttpResult> =>
    emulatorRequest(emu.caPem, `${emu.authority}/oauth2/v2.0/token`, { form: { client_id: emu.clientId, ...form } });
  const control = (method: string, path: string, json?: unknown): Promise<HttpResult> =>
    emulatorRequest(emu.caPem, `${emu.entraOrigin}/_emulator/${path}`, {
      method,
      headers: { [emu.controlKeyHeader]: emu.controlKey },
      ...(json !== undefined ? { json } : {}),
    });
  const body = (r: HttpResult) => JSON.parse(r.text) as Record<string, unknown>;

  /** A device-code sign-in for `scope` approved through the control plane; returns the token response. */
  async function deviceSignIn(scope: string): Promise<Record<string, unknown>> {
    const dc = await emulatorRequest(emu.caPem, `${emu.authority}/oauth2/v2.0/devicecode`, {
      form: { client_id: emu.clientId, scope },
    });
    assert.equal(dc.status, 200, dc.text);
    const { user_code: userCode, device_code: deviceCode } = body(dc) as { user_code: string; device_code: string };
    assert.ok(emu.control.device(userCode, 'approve', adele.upn).ok);
    const r = await token({ grant_type: 'device_code', device_code: deviceCode });
    assert.equal(r.status, 200, r.text);
    return body(r);
  }

  before(async () => {
    emu = await startEmulator({ interactiveMode: 'auto' });
    assert.ok(emu.api);
    api = emu.api;
    const user = emu.users.find((u) => u.upn.startsWith('adele@'));
    assert.ok(user);
    adele = user;
  });
  after(async () => {
    await emu.close();
  });

  void it('serves the demo API registration as Graph Bridge settings want it', () => {
    assert.equal(api.appIdUri, `api://${api.clientId}`);
    assert.equal(api.scope, `${api.appIdUri}/access_as_user`);
    assert.equal(api.baseUrl, `${emu.apiOrigin}/api`);
    assert.match(emu.apiOrigin, /^https:\/\/localhost:\d+$/);
    assert.notEqual(emu.apiOrigin, emu.graphOrigin);
  });

  void it('device code for the API scope alone → an API token (consent granted at approval)', async () => {
    emu.control.reset();
    const r = await deviceSignIn(`${api.scope} openid profile offline_access`);
    assert.equal(r.scope, api.scope);
    const at = decodeJwt(String(r.access_token));
    assert.equal(at?.payload.aud, api.clientId);
    assert.equal(at?.payload.scp, 'access_as_user');
    assert.deepEqual(emu.control.grants(adele.oid)[emu.clientId], [api.scope]);
    const served = await emulatorRequest(emu.caPem, `${api.baseUrl}/me`, {
      headers: { authorization: `Bearer ${String(r.access_token)}` },
    });
    assert.equal(served.status, 200, served.text);
    assert.equal(body(served).username, adele.upn);
  });

  void it('a token request naming Graph and the API together → invalid_scope AADSTS28000 (devicecode too)', async () => {
    emu.control.reset();
    const graph = await deviceSignIn('User.Read openid profile offline_access');
    const mixed = `User.Read ${api.scope} openid profile offline_access`;
    const refresh = await token({
      grant_type: 'refresh_token',
      refresh_token: String(graph.refresh_token),
      scope: mixed,
    });
    assert.equal(refresh.status, 400);
    assert.equal(body(refresh).error, 'invalid_scope');
    assert.deepEqual(body(refresh).error_codes, [28000]);
    assert.match(String(body(refresh).error_description), /^AADSTS28000: .*more than one resource/);
    const dc = await emulatorRequest(emu.caPem, `${emu.authority}/oauth2/v2.0/devicecode`, {
      form: { client_id: emu.clientId, scope: mixed },
    });
    assert.equal(dc.status, 400);
    assert.deepEqual(body(dc).error_codes, [28000]);
    const unknown = await token({
      grant_type: 'refresh_token',
      refresh_token: String(graph.refresh_token),
      scope: 'api://not-registered/access_as_user offline_access',
    });
    assert.equal(unknown.status, 400);
    assert.equal(body(unknown).error, 'invalid_resource');
    assert.deepEqual(body(unknown).error_codes, [500011]);
  });

  void it('refresh for the API: 65001 consent_required until granted, then an API token; the RT serves both resources', async () => {
    emu.control.reset();
    const graph = await deviceSignIn('User.Read openid profile offline_access');
    const ask = { grant_type: 'refresh_token', scope: `${api.scope} openid profile offline_access` };
    const refused = await token({ ...ask, refresh_token: String(graph.refresh_token) });
    assert.equal(refused.status, 400);
    assert.equal(body(refused).error, 'invalid_grant');
    assert.equal(body(refused).suberror, 'consent_required');
    assert.deepEqual(body(refused).error_codes, [65001]);

    const put = await control('PUT', `users/${adele.oid}/grants/${emu.clientId}`, {
      scopes: ['User.Read', `${api.clientId}/access_as_user`],
    });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(emu.control.grants(adele.oid)[emu.clientId], ['User.Read', api.scope], 'keyed by app ID URI');
    const r = await token({ ...ask, refresh_token: String(graph.refresh_token) });
    assert.equal(r.status, 200, r.text);
    const apiBody = body(r);
    assert.equal(apiBody.scope, api.scope, 'no OIDC scopes echoed for a non-Graph resource');
    assert.equal(emu.verifyApiToken(`Bearer ${String(apiBody.access_token)}`).ok, true);
    assert.equal(emu.verifyAccessToken(`Bearer ${String(apiBody.access_token)}`).ok, false);
    const back = await token({
      grant_type: 'refresh_token',
      refresh_token: String(apiBody.refresh_token),
      scope: 'User.Read openid offline_access',
    });
    assert.equal(back.status, 200, back.text);
    assert.equal(decodeJwt(String(body(back).access_token))?.payload.aud, '00000003-0000-0000-c000-000000000000');
    assert.doesNotMatch(String(body(back).scope), /access_as_user/, 'Graph scope lists never include API scopes');
  });

  void it('/authorize consents to several resources at once; each code redemption gets one resource', async () => {
    emu.control.reset();
    const authorize = new URL(`${emu.authority}/oauth2/v2.0/authorize`);
    const redirectUri = 'http://localhost:5555';
    const codeFor = async (): Promise<string> => {
      authorize.search = new URLSearchParams({
        client_id: emu.clientId,
        response_type: 'code',
        response_mode: 'query',
        redirect_uri: redirectUri,
        scope: `User.Read ${api.scope} openid profile offline_access`,
        login_hint: adele.upn,
      }).toString();
      const r = await emulatorRequest(emu.caPem, authorize.toString());
      assert.equal(r.status, 302, r.text);
      const code = new URL(r.headers.location ?? '').searchParams.get('code');
      assert.ok(code, r.headers.location);
      return code;
    };
    const first = await codeFor();
    assert.deepEqual(emu.control.grants(adele.oid)[emu.clientId]?.sort(), ['User.Read', api.scope].sort());
    const mixed = await token({ grant_type: 'authorization_code', code: first, redirect_uri: redirectUri });
    assert.equal(mixed.status, 400, 'redeemed with the authorized (two-resource) scope');
    assert.deepEqual(body(mixed).error_codes, [28000]);
    const second = await codeFor();
    const r = await token({
      grant_type: 'authorization_code',
      code: second,
      redirect_uri: redirectUri,
      scope: `${api.scope} openid profile offline_access`,
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(decodeJwt(String(body(r).access_token))?.payload.aud, api.clientId);
  });

  void it('control plane: POST apis registers another API (v1 here); GET apis lists it; bad input is refused', async () => {
    emu.control.reset();
    const created = await control('POST', 'apis', {
      displayName: 'Inventory API',
      scopes: [{ value: 'Inventory.Read', description: 'Read the inventory' }],
      accessTokenVersion: 1,
    });
    assert.equal(created.status, 200, created.text);
    const inventory = body(created) as { clientId: string; appIdUri: string };
    assert.equal(inventory.appIdUri, `api://${inventory.clientId}`);
    const list = body(await control('GET', 'apis')) as unknown as { clientId: string }[];
    assert.deepEqual(
      list.map((a) => a.clientId),
      [api.clientId, inventory.clientId],
    );
    const clash = await control('POST', 'apis', { appIdUri: api.appIdUri });
    assert.equal(clash.status, 409, clash.text);
    const badScope = await control('POST', 'apis', { scopes: [{ value: '.default' }] });
    assert.equal(badScope.status, 400, badScope.text);
    const badGrant = await control('PUT', `users/${adele.oid}/grants/${emu.clientId}`, {
      scopes: ['api://not-registered/x'],
    });
    assert.equal(badGrant.status, 400, badGrant.text);

    const r = await deviceSignIn(`${inventory.appIdUri}/inventory.read offline_access`);
    assert.equal(r.scope, `${inventory.appIdUri}/Inventory.Read`, 'canonical scope spelling');
    const at = decodeJwt(String(r.access_token));
    assert.equal(at?.payload.aud, inventory.appIdUri, 'v1: aud is the application ID URI');
    assert.equal(at?.payload.iss, `https://sts.windows.net/${emu.tenantId}/`);
    const atServedApi = await emulatorRequest(emu.caPem, `${api.baseUrl}/orders`, {
      headers: { authorization: `Bearer ${String(r.access_token)}` },
    });
    assert.equal(atServedApi.status, 401, 'the Orders API refuses an Inventory token');
    assert.match(atServedApi.headers['www-authenticate'] ?? '', /error="invalid_token"/);

    emu.control.reset();
    assert.deepEqual(
      emu.control.apis().map((a) => a.clientId),
      [api.clientId],
      'reset drops registered APIs',
    );
  });

  void it('the request log of host api records what reached the API; reset re-seeds the orders', async () => {
    emu.control.reset();
    const r = await deviceSignIn(`${api.scope} offline_access`);
    const auth = { authorization: `Bearer ${String(r.access_token)}` };
    const seq = emu.requestLog().at(-1)?.seq ?? 0;
    const before = body(await emulatorRequest(emu.caPem, `${api.baseUrl}/orders`, { headers: auth })).count;
    const post = await emulatorRequest(emu.caPem, `${api.baseUrl}/orders`, {
      headers: auth,
      json: { item: 'Logged', quantity: 1 },
    });
    assert.equal(post.status, 201);
    const logged = emu.apiRequestLog(seq);
    assert.deepEqual(
      logged.map((e) => `${e.host} ${e.method} ${e.path} ${e.status}`),
      ['api GET /api/orders 200', 'api POST /api/orders 201'],
    );
    assert.deepEqual(logged[1]?.body, { item: 'Logged', quantity: 1 });
    const overHttp = await control('GET', `requests?since=${seq}&host=api`);
    assert.deepEqual(
      (body(overHttp) as unknown as { path: string }[]).map((e) => e.path),
      ['/api/orders', '/api/orders'],
    );
    assert.equal((await control('GET', 'requests?host=nope')).status, 400);
    emu.control.reset();
    const again = await deviceSignIn(`${api.scope} offline_access`);
    const after = await emulatorRequest(emu.caPem, `${api.baseUrl}/orders`, {
      headers: { authorization: `Bearer ${String(again.access_token)}` },
    });
    assert.equal(body(after).count, before, 'the POSTed order is gone after reset');
  });

  void it('faults can target the API origin', async () => {
    emu.control.reset();
    emu.control.addFault({ host: 'api', pathPattern: '^/api/orders$', status: 503, headers: { 'Retry-After': '1' } });
    const r = await emulatorRequest(emu.caPem, `${api.baseUrl}/orders`);
    assert.equal(r.status, 503);
    assert.equal(r.headers['retry-after'], '1');
    assert.equal((await emulatorRequest(emu.caPem, `${api.baseUrl}/orders`)).status, 401, 'one-shot');
  });
});
