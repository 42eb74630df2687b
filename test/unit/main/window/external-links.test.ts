import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  adminConsentUrl,
  buildExternalUrl,
  createExternalOpener,
  isAllowedExternalUrl,
  portalFor,
  type LinkContext,
} from '../../../../app/main/window/external-links.ts';

const ctx: LinkContext = {
  portal: portalFor('global'),
  authorityHost: 'https://login.microsoftonline.com',
  graphBaseUrl: 'https://graph.microsoft.com/',
  tenant: 'contoso.onmicrosoft.com',
  clientId: '11111111-2222-3333-4444-555555555555',
  missingScopes: ['Mail.Send', 'Files.Read'],
  deviceLoginUrl: null,
};

test('admin-consent URL: v2 endpoint, our client, fully qualified missing scopes, loopback redirect', () => {
  const url = new URL(adminConsentUrl(ctx));
  assert.equal(
    url.origin + url.pathname,
    'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent',
  );
  assert.equal(url.searchParams.get('client_id'), ctx.clientId);
  assert.equal(
    url.searchParams.get('scope'),
    'https://graph.microsoft.com/Mail.Send https://graph.microsoft.com/Files.Read',
  );
  assert.equal(url.searchParams.get('redirect_uri'), 'http://localhost');
});

test('each target builds an allowed URL; national clouds use their portal', () => {
  for (const target of ['entra-portal', 'admin-consent'] as const) {
    const url = buildExternalUrl(target, ctx);
    assert.ok(url !== null && isAllowedExternalUrl(url, ctx), `${target}: ${url}`);
  }
  assert.match(
    buildExternalUrl('entra-portal', { ...ctx, portal: portalFor('china') }) ?? '',
    /^https:\/\/portal\.azure\.cn\//,
  );
  assert.equal(buildExternalUrl('device-login', ctx), null);
});

test('allow-list: https only, only our hosts, no credentials in the URL', () => {
  const device = { ...ctx, deviceLoginUrl: 'https://microsoft.com/devicelogin' };
  assert.equal(isAllowedExternalUrl('https://microsoft.com/devicelogin', device), true);
  assert.equal(isAllowedExternalUrl('https://microsoft.com/devicelogin', ctx), false);
  for (const bad of [
    'http://entra.microsoft.com/',
    'https://entra.microsoft.com.evil.example/',
    'https://evil.example/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'ms-settings:privacy',
    'https://user:pw@entra.microsoft.com/',
    'not a url',
  ]) {
    assert.equal(isAllowedExternalUrl(bad, device), false, bad);
  }
});

test('the opener opens only what it built, and explains what is missing', async () => {
  const opened: string[] = [];
  const open = createExternalOpener({ openExternal: async (u) => void opened.push(u), context: () => ctx });
  assert.deepEqual(await open('entra-portal'), { ok: true, value: null });
  const r = await open('device-login');
  assert.equal(r.ok === false && r.error.code, 'NOT_AVAILABLE');
  const noClient = createExternalOpener({
    openExternal: async (u) => void opened.push(u),
    context: () => ({ ...ctx, clientId: '' }),
  });
  assert.equal((await noClient('admin-consent')).ok, false);
  assert.deepEqual(opened, ['https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationsListBlade']);
});

test('a misconfigured non-https authority is never opened', async () => {
  const opened: string[] = [];
  const open = createExternalOpener({
    openExternal: async (u) => void opened.push(u),
    context: () => ({ ...ctx, authorityHost: 'http://login.example' }),
  });
  const r = await open('admin-consent');
  assert.equal(r.ok === false && r.error.code, 'LINK_REFUSED');
  assert.match(
    r.ok === false ? r.error.message : '',
    /http:\/\/login\.example is not one\. Check the authority \(or cloud\) in Settings\./,
  );
  assert.deepEqual(opened, []);
});
