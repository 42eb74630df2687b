// Interactive sign-in with UNMODIFIED msal-node and REAL headless Chromium through the emulator's
// sign-in and consent pages and MSAL's loopback (form_post): consent, session reuse, incremental
// consent, cancel, admin-only scopes, PKCE and redirect-URI checks (spec §4.4, §5.5, §6.1).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { createEmulatorPca, startEmulator, type RunningEmulator } from '../helpers/emulator.ts';
import { chromiumOpenBrowser, chromiumSession } from '../helpers/browser.ts';
import { emulatorRequest } from '../helpers/emulator-control.ts';

void describe('emulator: interactive sign-in (headless Chromium)', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => emu.control.reset());

  void it('signs in, consents, and a second sign-in in the same browser skips the password', async () => {
    const adele = emu.users[0]!;
    const browser = chromiumSession({ username: adele.upn, password: adele.password, spkiSha256: emu.leafSpkiSha256 });
    try {
      const pca = createEmulatorPca(emu);
      const first = await pca.acquireTokenInteractive({ scopes: ['User.Read'], openBrowser: browser.openBrowser });
      assert.equal(first.account?.username, adele.upn);
      assert.equal(first.account?.homeAccountId, `${adele.oid}.${emu.tenantId}`);
      assert.equal(browser.results[0]?.text, 'Auth code was successfully acquired. You can close this window now.');
      assert.deepEqual(browser.results[0]?.steps, ['signin', 'consent', 'loopback']);

      const authorize = emu.requestLog().find((e) => e.path.endsWith('/oauth2/v2.0/authorize'));
      assert.equal(authorize?.query.response_mode, 'form_post');
      assert.equal(authorize?.query.code_challenge_method, 'S256');
      const redemption = emu.requestLog().find((e) => e.form?.grant_type === 'authorization_code');
      assert.equal(redemption?.status, 200);
      assert.equal(redemption?.headers['x-anchormailbox'], `Oid:${adele.oid}@${emu.tenantId}`);

      // Session cookie: no sign-in page; the new scope still needs the consent page.
      const second = await pca.acquireTokenInteractive({ scopes: ['Tasks.Read'], openBrowser: browser.openBrowser });
      assert.deepEqual(browser.results[1]?.steps, ['consent', 'loopback']);
      assert.deepEqual([...second.scopes].sort(), ['Tasks.Read', 'User.Read', 'email', 'openid', 'profile']);
    } finally {
      await browser.close();
    }
  });

  void it('incremental consent: silent for an unconsented scope needs interaction; after consent the token lists every grant', async () => {
    const alex = emu.users[2]!;
    const browser = chromiumOpenBrowser({
      username: alex.upn,
      password: alex.password,
      spkiSha256: emu.leafSpkiSha256,
    });
    const pca = createEmulatorPca(emu);
    const first = await pca.acquireTokenInteractive({
      scopes: ['User.Read', 'Mail.Read'],
      openBrowser: browser.openBrowser,
    });
    const account = first.account!;
    const before = emu.requestLog().length;

    await assert.rejects(pca.acquireTokenSilent({ account, scopes: ['Mail.Send'] }), (err: unknown) => {
      assert.ok(err instanceof InteractionRequiredAuthError);
      assert.equal(err.errorCode, 'invalid_grant');
      assert.equal(err.subError, 'consent_required');
      assert.match(err.errorMessage, /AADSTS65001/);
      return true;
    });
    const refreshes = emu
      .requestLog()
      .slice(before)
      .filter((e) => e.form?.grant_type === 'refresh_token');
    assert.equal(refreshes.length, 1);
    assert.equal(refreshes[0]?.status, 400);

    const consented = await pca.acquireTokenInteractive({
      scopes: ['Mail.Send'],
      account,
      openBrowser: browser.openBrowser,
    });
    assert.deepEqual([...consented.scopes].sort(), [
      'Mail.Read',
      'Mail.Send',
      'User.Read',
      'email',
      'openid',
      'profile',
    ]);
    const silent = await pca.acquireTokenSilent({ account, scopes: ['Mail.Send'] });
    assert.equal(silent.fromCache, true);
  });

  void it('Cancel on the consent page returns access_denied to MSAL (ServerError)', async () => {
    const adele = emu.users[0]!;
    const browser = chromiumOpenBrowser({
      username: adele.upn,
      password: adele.password,
      consent: 'cancel',
      spkiSha256: emu.leafSpkiSha256,
    });
    const pca = createEmulatorPca(emu);
    await assert.rejects(
      pca.acquireTokenInteractive({ scopes: ['Files.Read'], openBrowser: browser.openBrowser }),
      (err: unknown) => {
        assert.ok(err instanceof ServerError);
        assert.equal(err.errorCode, 'access_denied');
        assert.match(err.errorMessage, /AADSTS65004/);
        return true;
      },
    );
    assert.match(browser.results[0]?.text ?? '', /Error occurred: access_denied/);
  });

  void it('refuses admin-only scopes for a non-admin user with AADSTS90094', async () => {
    const adele = emu.users[0]!;
    const browser = chromiumOpenBrowser({
      username: adele.upn,
      password: adele.password,
      spkiSha256: emu.leafSpkiSha256,
    });
    const pca = createEmulatorPca(emu);
    await assert.rejects(
      pca.acquireTokenInteractive({ scopes: ['User.Read', 'User.Read.All'], openBrowser: browser.openBrowser }),
      (err: unknown) => {
        assert.ok(err instanceof ServerError);
        assert.equal(err.errorCode, 'consent_required');
        assert.match(err.errorMessage, /AADSTS90094/);
        return true;
      },
    );
    assert.deepEqual(browser.results[0]?.steps, ['signin', 'admin-approval', 'loopback']);
    assert.deepEqual(emu.control.grants(adele.oid), {});
  });

  void it('lets an admin consent to admin-only scopes', async () => {
    const megan = emu.users[1]!;
    const browser = chromiumOpenBrowser({
      username: megan.upn,
      password: megan.password,
      spkiSha256: emu.leafSpkiSha256,
    });
    const result = await createEmulatorPca(emu).acquireTokenInteractive({
      scopes: ['User.Read.All'],
      openBrowser: browser.openBrowser,
    });
    assert.ok(result.scopes.includes('User.Read.All'));
  });
});

void describe('emulator: authorize and code redemption checks', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ interactiveMode: 'auto' });
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => emu.control.reset());

  const redirectUri = 'http://localhost:41234';
  async function authorize(extra: Record<string, string>) {
    const params = new URLSearchParams({
      client_id: emu.clientId,
      response_type: 'code',
      response_mode: 'form_post',
      redirect_uri: redirectUri,
      scope: 'User.Read openid profile offline_access',
      state: 'st-123',
      ...extra,
    });
    return emulatorRequest(emu.caPem, `${emu.authority}/oauth2/v2.0/authorize?${params.toString()}`);
  }
  function field(html: string, name: string): string | undefined {
    return new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1]?.replace(/&quot;/g, '"');
  }

  void it('redeems a code only with the matching PKCE verifier', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const page = await authorize({ code_challenge: challenge, code_challenge_method: 'S256' });
    assert.equal(page.status, 200);
    assert.match(page.text, /document\.forms\[0\]\.submit\(\)/);
    assert.equal(field(page.text, 'state'), 'st-123');
    const code = field(page.text, 'code');
    assert.ok(code);

    const pca = createEmulatorPca(emu);
    await assert.rejects(
      pca.acquireTokenByCode({ code, redirectUri, scopes: ['User.Read'], codeVerifier: `${verifier}x` }),
      (err: unknown) => {
        assert.ok(err instanceof ServerError);
        assert.equal(err.errorCode, 'invalid_grant');
        assert.match(err.errorMessage, /AADSTS501481/);
        return true;
      },
    );
    // A fresh code with the right verifier works (the failed one is burnt: single use).
    const again = field((await authorize({ code_challenge: challenge, code_challenge_method: 'S256' })).text, 'code');
    const ok = await createEmulatorPca(emu).acquireTokenByCode({
      code: again!,
      redirectUri,
      scopes: ['User.Read'],
      codeVerifier: verifier,
    });
    assert.equal(ok.account?.username, emu.users[0]!.upn);
  });

  void it('shows an AADSTS50011 page and does not redirect on a redirect-URI mismatch', async () => {
    const page = await authorize({ redirect_uri: 'https://evil.example/callback' });
    assert.equal(page.status, 400);
    assert.equal(page.headers.location, undefined);
    assert.match(page.text, /AADSTS50011/);
    assert.doesNotMatch(page.text, /hiddenform/);
  });

  void it('answers prompt=none without a session with login_required (AADSTS50058)', async () => {
    const none = await authorize({ prompt: 'none' });
    assert.equal(field(none.text, 'error'), 'login_required');
    assert.equal(field(none.text, 'state'), 'st-123');
    assert.match(field(none.text, 'error_description') ?? '', /AADSTS50058/);
  });

  void it('puts nonce in the id_token only when the authorize request sent one', async () => {
    const idTokenNonce = async (extra: Record<string, string>) => {
      const code = field((await authorize(extra)).text, 'code');
      const res = await emulatorRequest(emu.caPem, `${emu.authority}/oauth2/v2.0/token`, {
        form: { client_id: emu.clientId, grant_type: 'authorization_code', code: code!, redirect_uri: redirectUri },
      });
      const body = JSON.parse(res.text) as { id_token: string };
      const payload = JSON.parse(Buffer.from(body.id_token.split('.')[1]!, 'base64url').toString()) as Record<
        string,
        unknown
      >;
      return payload.nonce;
    };
    assert.equal(await idTokenNonce({ nonce: 'n-42' }), 'n-42');
    assert.equal(await idTokenNonce({}), undefined);
  });
});
