/**
 * The one status window: created on demand (none at start), locked down (window-security.ts), shown
 * and focused again when it exists. Closing it destroys it; the app keeps running in the tray.
 */
import type { BrowserWindow, BrowserWindowConstructorOptions, WebContents } from 'electron';
import { hardenWebContents, secureWebPreferences } from './window-security.ts';

export interface StatusWindowDeps {
  createWindow(options: BrowserWindowConstructorOptions): BrowserWindow;
  /** file:// URL of dist/window/index.html. */
  pageUrl: string;
  preloadPath: string;
  icon?: Electron.NativeImage;
  log(line: string): void;
}

export function createStatusWindow(deps: StatusWindowDeps) {
  let win: BrowserWindow | null = null;
  return {
    webContentsId: (): number | undefined => (win === null || win.isDestroyed() ? undefined : win.webContents.id),
    contents: (): WebContents | null => (win === null || win.isDestroyed() ? null : win.webContents),
    show(): void {
      if (win !== null && !win.isDestroyed()) {
        if (win.isMinimized()) win.restore();
        win.show();
        win.focus();
        return;
      }
      const created = deps.createWindow({
        width: 900,
        height: 760,
        minWidth: 560,
        minHeight: 420,
        title: 'Graph Bridge',
        show: false,
        autoHideMenuBar: true,
        ...(deps.icon === undefined ? {} : { icon: deps.icon }),
        webPreferences: secureWebPreferences(deps.preloadPath),
      });
      hardenWebContents(created.webContents, {
        pageUrl: deps.pageUrl,
        onBlocked: (what, url) => deps.log(`status window: blocked ${what} ${url.slice(0, 200)}`),
      });
      created.once('ready-to-show', () => created.show());
      created.on('closed', () => {
        win = null;
      });
      win = created;
      void created.loadURL(deps.pageUrl);
    },
  };
}

export type StatusWindow = ReturnType<typeof createStatusWindow>;
