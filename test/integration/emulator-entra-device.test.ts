// Device-code flow against the emulator with UNMODIFIED msal-node: approval via the control plane,
// via the /devicelogin page in real headless Chromium, decline, expiry and unknown codes (spec §4.5, §4.6, §1.7).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuthError } from '@azure/msal-node';
import { createEmulatorPca, startEmulator, type RunningEmulator } from '../helpers/emulator.ts';
import { chromiumSession } from '../helpers/browser.ts';
import { emulatorRequest } from '../helpers/emulator-control.ts';

void describe('emulator: device code flow', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    emu.control.reset();
    emu.control.settings({ deviceInterval: 1 });
  });

  void it('signs in when the code is approved through the control plane', async () => {
    const pca = createEmulatorPca(emu);
    const adele = emu.users[0]!;
    const since = emu.requestLog().at(-1)?.seq ?? 0;
    const result = await pca.acquireTokenByDeviceCode({
      scopes: ['User.Read', 'Mail.Read'],
      deviceCodeCallback: (info) => {
        assert.match(info.userCode, /^[A-Z0-9]{8,9}$/);
        assert.equal(info.verificationUri, `${emu.entraOrigin}/devicelogin`);
        assert.equal(info.interval, 1);
        setTimeout(() => assert.equal(emu.control.device(info.userCode, 'approve', adele.upn).ok, true), 50);
      },
    });
    assert.ok(result);
    assert.equal(result.account?.username, adele.upn);
    assert.equal(result.account?.homeAccountId, `${adele.oid}.${emu.tenantId}`);
    assert.equal(result.account?.environment, emu.knownAuthority);
    assert.equal(result.tenantId, emu.tenantId);
    assert.deepEqual([...result.scopes].sort(), ['Mail.Read', 'User.Read', 'email', 'openid', 'profile']);
    const verified = emu.verifyAccessToken(`Bearer ${result.accessToken}`);
    assert.equal(verified.ok, true);
    if (verified.ok) assert.equal(verified.claims.scp.split(' ').includes('Mail.Read'), true);

    const log = emu.requestLog(since);
    const tokenCalls = log.filter((e) => e.path.endsWith('/oauth2/v2.0/token'));
    assert.equal(log.filter((e) => e.path.endsWith('/devicecode')).length, 1);
    assert.ok(tokenCalls.length >= 1);
    assert.equal(tokenCalls.at(-1)?.form?.grant_type, 'device_code');
    assert.equal(tokenCalls.at(-1)?.status, 200);
    assert.deepEqual(emu.control.grants(adele.oid)[emu.clientId]?.sort(), ['Mail.Read', 'User.Read']);
  });

  void it('signs in when the user enters the code on /devicelogin in headless Chromium', async () => {
    const megan = emu.users[1]!;
    const browser = chromiumSession({ username: megan.upn, password: megan.password, spkiSha256: emu.leafSpkiSha256 });
    try {
      const pca = createEmulatorPca(emu);
      let page: Promise<{ text: string; steps: string[] }> | undefined;
      const result = await pca.acquireTokenByDeviceCode({
        scopes: ['Calendars.Read'],
        deviceCodeCallback: (info) => {
          page = browser.deviceLogin(info.verificationUri, info.userCode);
        },
      });
      const seen = await page;
      assert.deepEqual(seen?.steps, ['device-code', 'signin', 'consent', 'device-done']);
      assert.match(seen?.text ?? '', /You have signed in to the Graph Bridge application on your device/);
      assert.equal(result?.account?.username, megan.upn);
      assert.ok(result?.scopes.includes('Calendars.Read'));
    } finally {
      await browser.close();
    }
  });

  void it('surfaces a declined code as AuthError post_request_failed (authorization_declined)', async () => {
    const pca = createEmulatorPca(emu);
    await assert.rejects(
      pca.acquireTokenByDeviceCode({
        scopes: ['User.Read'],
        deviceCodeCallback: (info) => {
          setTimeout(() => emu.control.device(info.userCode, 'decline'), 50);
        },
      }),
      (err: unknown) => {
        assert.ok(err instanceof AuthError);
        assert.equal(err.errorCode, 'post_request_failed');
        assert.match(err.errorMessage, /authorization_declined/);
        return true;
      },
    );
  });

  void it('answers expired and unknown device codes with terminal AADSTS errors', async () => {
    const form = (deviceCode: string) => ({
      client_id: emu.clientId,
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: deviceCode,
    });
    const tokenUrl = `${emu.authority}/oauth2/v2.0/token`;
    const unknown = await emulatorRequest(emu.caPem, tokenUrl, { form: form('undefined') });
    assert.equal(unknown.status, 400);
    const unknownBody = JSON.parse(unknown.text) as Record<string, unknown>;
    assert.equal(unknownBody.error, 'bad_verification_code');
    assert.deepEqual(unknownBody.error_codes, [70018]);

    const issued = await emulatorRequest(emu.caPem, `${emu.authority}/oauth2/v2.0/devicecode`, {
      form: { client_id: emu.clientId, scope: 'User.Read openid profile offline_access' },
    });
    const code = JSON.parse(issued.text) as { device_code: string; expires_in: number; message: string };
    assert.equal(code.expires_in, 900);
    const pending = JSON.parse(
      (await emulatorRequest(emu.caPem, tokenUrl, { form: form(code.device_code) })).text,
    ) as Record<string, unknown>;
    assert.equal(pending.error, 'authorization_pending');
    emu.control.advanceClock(901);
    const expired = JSON.parse(
      (await emulatorRequest(emu.caPem, tokenUrl, { form: form(code.device_code) })).text,
    ) as Record<string, unknown>;
    assert.equal(expired.error, 'expired_token');
    assert.deepEqual(expired.error_codes, [70019]);
  });
});
