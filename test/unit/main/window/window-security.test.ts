import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  applySessionSecurity,
  CONTENT_SECURITY_POLICY,
  hardenWebContents,
  secureWebPreferences,
  withCsp,
  type SessionLike,
  type WebContentsLike,
} from '../../../../app/main/window/window-security.ts';

const PAGE = 'file:///opt/Graph%20Bridge/resources/app.asar/dist/window/index.html';

test('webPreferences: isolation, sandbox, no Node, web security, no webview', () => {
  const p = secureWebPreferences('/app/dist/preload.cjs');
  assert.equal(p.preload, '/app/dist/preload.cjs');
  assert.equal(p.contextIsolation, true);
  assert.equal(p.sandbox, true);
  assert.equal(p.nodeIntegration, false);
  assert.equal(p.nodeIntegrationInSubFrames, false);
  assert.equal(p.nodeIntegrationInWorker, false);
  assert.equal(p.webSecurity, true);
  assert.equal(p.allowRunningInsecureContent, false);
  assert.equal(p.webviewTag, false);
});

test('CSP: no remote anything, scripts and styles only from our files', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
  );
  assert.equal(directives.get('default-src'), "'none'");
  assert.equal(directives.get('script-src'), "'self'");
  assert.equal(directives.get('style-src'), "'self'");
  assert.equal(directives.get('img-src'), "'self' data:");
  assert.equal(directives.get('connect-src'), "'none'");
  assert.ok(!CONTENT_SECURITY_POLICY.includes('unsafe'));
});

test('the <meta> CSP in index.html carries the same directives (minus header-only frame-ancestors)', () => {
  const html = readFileSync(new URL('../../../../app/window/index.html', import.meta.url), 'utf8');
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
  assert.equal(meta, CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
  assert.ok(!/<script>|style="/.test(html), 'no inline script or style in index.html');
});

test('session: CSP header replaces any other, permissions are denied', () => {
  let headersListener: Parameters<SessionLike['webRequest']['onHeadersReceived']>[0] | undefined;
  let requestHandler: Parameters<SessionLike['setPermissionRequestHandler']>[0] | undefined;
  let checkHandler: Parameters<SessionLike['setPermissionCheckHandler']>[0] | undefined;
  applySessionSecurity({
    webRequest: { onHeadersReceived: (l) => (headersListener = l) },
    setPermissionRequestHandler: (h) => (requestHandler = h),
    setPermissionCheckHandler: (h) => (checkHandler = h),
  });
  let answered: Record<string, string[]> | undefined;
  headersListener?.({ responseHeaders: { 'content-security-policy': ['default-src *'], 'X-A': ['1'] } }, (r) => {
    answered = r.responseHeaders;
  });
  assert.deepEqual(answered, { 'X-A': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  const grants: boolean[] = [];
  for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal'])
    requestHandler?.({}, p, (g) => grants.push(g));
  assert.deepEqual(grants, [false, false, false, false, false]);
  assert.equal(checkHandler?.({}, 'media'), false);
  assert.deepEqual(withCsp(undefined), { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
});

test('webContents: navigation away, redirects, new windows and webviews are blocked; our page is not', () => {
  const listeners = new Map<string, (e: { preventDefault(): void }, url: string) => void>();
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined;
  const fake: WebContentsLike = {
    on: (event: string, l: (e: { preventDefault(): void }, url: string) => void) => listeners.set(event, l),
    setWindowOpenHandler: (h) => (openHandler = h),
  };
  const blocked: string[] = [];
  hardenWebContents(fake, { pageUrl: PAGE, onBlocked: (what, url) => blocked.push(`${what} ${url}`) });
  const fire = (event: string, url: string) => {
    let prevented = false;
    listeners.get(event)?.({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  assert.equal(fire('will-navigate', 'https://evil.example/'), true);
  assert.equal(fire('will-navigate', 'file:///etc/passwd'), true);
  assert.equal(fire('will-redirect', 'https://evil.example/'), true);
  assert.equal(fire('will-navigate', `${PAGE}#settings`), false);
  assert.equal(fire('will-attach-webview', ''), true);
  assert.deepEqual(openHandler?.({ url: 'https://evil.example/popup' }), { action: 'deny' });
  assert.deepEqual(blocked, [
    'navigation https://evil.example/',
    'navigation file:///etc/passwd',
    'redirect https://evil.example/',
    'webview ',
    'new window https://evil.example/popup',
  ]);
});
