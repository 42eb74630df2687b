/**
 * The status window's lock-down, as plain builders over structural slices of Electron's types so the
 * unit tests can check every option and handler with fakes:
 *  - webPreferences: context isolation, sandbox, no Node integration, web security, no webview;
 *  - CSP both as a response header on the session and as a <meta> in index.html (same string);
 *  - every permission request/check denied;
 *  - navigation away from our page, redirects, new windows and <webview> attachment refused.
 */
import type { WebPreferences } from 'electron';

/** Same value as the <meta http-equiv="Content-Security-Policy"> in app/window/index.html. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'none'",
  "font-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    devTools: true,
  };
}

type HeadersListener = (
  details: { responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;

/** The slice of Electron's Session this module configures. */
export interface SessionLike {
  webRequest: { onHeadersReceived(listener: HeadersListener): void };
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
}

/** Returns the headers with our CSP replacing any the response carried. */
export function withCsp(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return out;
}

export function applySessionSecurity(session: SessionLike): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders) });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

interface PreventableEvent {
  preventDefault(): void;
}

/** The slice of Electron's WebContents this module configures. */
export interface WebContentsLike {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** True when `url` is our page (ignoring query and hash) — the only place the window may be. */
export function isOwnPage(url: string, pageUrl: string): boolean {
  try {
    const a = new URL(url);
    const b = new URL(pageUrl);
    return a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

export function hardenWebContents(
  contents: WebContentsLike,
  options: { pageUrl: string; onBlocked?: (what: string, url: string) => void },
): void {
  const blocked = options.onBlocked ?? (() => undefined);
  const guard = (what: string) => (event: PreventableEvent, url: string) => {
    if (isOwnPage(url, options.pageUrl)) return;
    event.preventDefault();
    blocked(what, url);
  };
  contents.on('will-navigate', guard('navigation'));
  contents.on('will-redirect', guard('redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    blocked('webview', '');
  });
  contents.setWindowOpenHandler(({ url }) => {
    blocked('new window', url);
    return { action: 'deny' };
  });
}
