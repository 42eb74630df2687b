/**
 * Electron main — the tray app's composition root. No window at start; the tray is the UI. It hosts
 * the SAME broker as `graph-bridge agent` (createTrayHost → createBroker), so bridges connect to
 * whichever of the two runs. Everything here is a createX(deps)/setupX() call; logic lives in the
 * modules it wires (and is unit-tested there). The running shell (tray, window, host) is held by a
 * module-scope holder so Electron objects are never garbage-collected; quitting awaits its shutdown.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, clipboard, dialog, Menu, nativeImage, Notification, session, shell, Tray } from 'electron';
import { createEditorCredentials, EDITOR_KEYS_FILE } from '../broker/approvals/editor-credentials.ts';
import { bridgeServerSpec, electronLauncher, type BridgeOptions } from '../clients/bridge-launcher.ts';
import { isProcessAlive, nodeConfigFs } from '../clients/fs/config-fs.ts';
import { createPlatform, type Platform } from '../platform/platform.ts';
import { bridgeCommandLine } from './bridge-command.ts';
import { createEditorsPort } from './window/editors-port.ts';
import { createWindowIpc, sendWindowEvent } from './window/ipc-main.ts';
import { createTrustedSenderCheck } from './window/ipc-router.ts';
import { createQuitGuard } from './quit-guard.ts';
import { createShellHolder } from './shell-holder.ts';
import { createStatusReactor } from './tray/status-reactor.ts';
import { createStatusWindow, type StatusWindow } from './window/status-window.ts';
import { createTrayActions } from './tray/tray-actions.ts';
import { createTrayHost, type TrayHost } from './tray/tray-host.ts';
import { createTrayIcons, TRAY_ICON_DIR, WINDOW_ICON } from './tray/tray-icons.ts';
import { createTrayView } from './tray/tray.ts';
import type { EditorsPort } from './window/window-handlers.ts';
import { applySessionSecurity } from './window/window-security.ts';
import { createWindowServices, type WindowServices } from './window/window-services.ts';
import type { EditorInfo, WindowEvent, WindowEventChannel } from '../shared/window-contract.ts';

const PAGE_URL = new URL('./window/index.html', import.meta.url).href;
const PRELOAD_PATH = fileURLToPath(new URL('./preload.cjs', import.meta.url));
const MAIN_SCRIPT = fileURLToPath(import.meta.url);

/** Everything the running app keeps alive until it quits. */
interface Shell {
  host: TrayHost;
  tray: Tray;
  statusWindow: StatusWindow;
  stop(): Promise<void>;
}

type WindowSender = <E extends WindowEventChannel>(channel: E, payload: WindowEvent<E>) => void;

/** A file under dist/ (beside this bundle, in a checkout and inside the packaged app.asar alike). */
const distFile = (relative: string): string => fileURLToPath(new URL(`./${relative}`, import.meta.url));

function startupFailed(message: string): null {
  dialog.showErrorBox('Graph Bridge could not start', message);
  app.quit();
  return null;
}

/** The broker host, started; null (after telling the user) when it cannot start. */
async function startHost(platform: Platform): Promise<TrayHost | null> {
  const hostResult = await createTrayHost({ platform, version: app.getVersion() });
  if (!hostResult.ok) return startupFailed(hostResult.error.message);
  const host = hostResult.value;
  try {
    await host.broker.start();
  } catch (err: unknown) {
    await host.stop().catch(() => undefined);
    return startupFailed(err instanceof Error ? err.message : String(err));
  }
  return host;
}

/** "Connect editor" and the bridge command editors run. */
function createEditorConnections(platform: Platform, host: TrayHost) {
  const bridgeEntry = app.isPackaged
    ? join(process.resourcesPath, 'bridge.js')
    : fileURLToPath(new URL('./bridge.js', import.meta.url));
  const launcher = electronLauncher({ appExecutable: process.execPath, bridgeEntry });
  const bridgeOptions = (): BridgeOptions => {
    const ca = host.settings().extraCaFile;
    const home = platform.env.GRAPH_BRIDGE_HOME;
    return { ...(ca === null ? {} : { extraCaFile: ca }), ...(home === undefined ? {} : { home }) };
  };
  // For a terminal: POSIX sh, or PowerShell on Windows; no GRAPH_BRIDGE_LAUNCH (a person runs it).
  const bridgeCommand = (): string =>
    bridgeCommandLine(bridgeServerSpec({ ...launcher, launch: null }, bridgeOptions()), platform.os);
  const editors = createEditorsPort({
    clients: {
      fs: nodeConfigFs,
      now: () => new Date(),
      pid: process.pid,
      isProcessAlive,
      paths: { platform: platform.os, env: platform.env, homedir: platform.homedir },
      launcher,
      // Connect writes the editor's credential into its entry, so its approval is remembered.
      credentials: createEditorCredentials({ filePath: join(platform.paths.stateDir, EDITOR_KEYS_FILE) }),
    },
    bridgeOptions,
  });
  return { editors, bridgeCommand };
}

/** The status window (created on demand), its validated IPC and a typed sender for its events. */
function createWindowUnit(log: (line: string) => void) {
  const statusWindow = createStatusWindow({
    createWindow: (options) => new BrowserWindow(options),
    pageUrl: PAGE_URL,
    preloadPath: PRELOAD_PATH,
    icon: nativeImage.createFromPath(distFile(WINDOW_ICON)),
    log,
  });
  const ipc = createWindowIpc({
    isTrustedSender: createTrustedSenderCheck({ webContentsId: statusWindow.webContentsId, pageUrl: PAGE_URL }),
    log,
  });
  const toWindow: WindowSender = (channel, payload) => {
    const contents = statusWindow.contents();
    if (contents !== null) sendWindowEvent(contents, channel, payload);
  };
  return { statusWindow, ipc, toWindow };
}

/** Start at login: XDG autostart entry on Linux, Electron's login items on macOS/Windows. */
function createStartAtLogin(platform: Platform, log: (line: string) => void) {
  const loginItem = platform.loginItem({
    command: { executable: process.execPath, args: app.isPackaged ? [] : [MAIN_SCRIPT] },
    electron: {
      getLoginItemSettings: (options) => app.getLoginItemSettings(options),
      setLoginItemSettings: (settings) => app.setLoginItemSettings(settings),
    },
  });
  let enabled = false;
  const read = async (): Promise<void> => {
    enabled = await loginItem.isEnabled().catch((err: unknown) => {
      log(`start at login: could not read the ${loginItem.kind} entry: ${(err as Error).message}`);
      return false;
    });
  };
  const set = async (on: boolean): Promise<void> => {
    try {
      await loginItem.setEnabled(on);
    } catch (err: unknown) {
      dialog.showErrorBox('Graph Bridge: start at login', (err as Error).message);
      throw err;
    } finally {
      await read();
    }
  };
  return { read, set, enabled: () => enabled };
}

interface TrayUnitDeps {
  host: TrayHost;
  editors: EditorsPort;
  bridgeCommand: () => string;
  statusWindow: StatusWindow;
  startAtLogin: ReturnType<typeof createStartAtLogin>;
  signIn: () => WindowServices['signIn'];
  os: Platform['os'];
  log: (line: string) => void;
}

/** The Tray, its menu actions and a refresh that redraws it from the broker status. */
function createTrayUnit(deps: TrayUnitDeps) {
  const { host, statusWindow } = deps;
  const state = { signingIn: false, editors: [] as EditorInfo[] };
  const icon = createTrayIcons({
    dir: distFile(TRAY_ICON_DIR),
    os: deps.os,
    createFromPath: (path) => nativeImage.createFromPath(path),
    log: deps.log,
  });
  const tray = new Tray(icon('signed-out'));
  const refresh = (): void =>
    view.update(host.broker.status(), state.editors, {
      signingIn: state.signingIn,
      startAtLogin: deps.startAtLogin.enabled(),
      useOsBroker: host.settings().useBroker,
    });
  const refreshEditors = async (): Promise<void> => {
    state.editors = await deps.editors.list();
    refresh();
  };
  const onAction = createTrayActions({
    signIn: () => deps.signIn().signIn(),
    signInWithCode: () => deps.signIn().signInWithCode(),
    signOut: () => host.broker.signOut(),
    showWindow: () => statusWindow.show(),
    connectEditor: async (id) => {
      await deps.editors.connect(id);
      await refreshEditors();
    },
    copyBridgeCommand: () => {
      void clipboard.writeText(deps.bridgeCommand());
    },
    setPaused: (paused) => host.broker.setPaused(paused),
    setStartAtLogin: (enabled) => deps.startAtLogin.set(enabled).finally(refresh),
    quit: () => app.quit(),
    log: deps.log,
  });
  const view = createTrayView({ tray, buildMenu: (template) => Menu.buildFromTemplate(template), icon, onAction });
  tray.on('click', () => statusWindow.show());
  const setSigningIn = (busy: boolean): void => {
    state.signingIn = busy;
    refresh();
  };
  return { tray, refresh, refreshEditors, setSigningIn };
}

/** An OS notification; clicking it brings the status window forward. */
function notifyUser(statusWindow: StatusWindow, n: { title: string; body: string }): void {
  if (!Notification.isSupported()) return;
  const note = new Notification({ title: n.title, body: n.body });
  note.on('click', () => statusWindow.show());
  note.show();
}

/** Status changes → tray, window, notifications; confirmation codes → the window only. */
function connectStatus(host: TrayHost, statusWindow: StatusWindow, toWindow: WindowSender, refresh: () => void): void {
  const reactor = createStatusReactor({
    updateTray: refresh,
    sendToWindow: (status) => toWindow('status:changed', status),
    notify: (n) => notifyUser(statusWindow, n),
    showWindow: () => statusWindow.show(),
  });
  host.broker.onStatusChanged((status) => reactor.handle(status));
  // A confirmation code for a command typed in a terminal: shown in the window only (no notification,
  // which the OS may log or show on a locked screen).
  host.onConfirmationCodes((codes) => {
    if (codes.length > 0) statusWindow.show();
    toWindow('codes:changed', codes);
  });
  reactor.handle(host.broker.status());
}

const BROWSER_FAILED_NOTICE = {
  title: 'Could not open your browser to sign in',
  body: 'Choose "Sign in with a code…" in the Graph Bridge menu to sign in from any browser or device.',
};

async function onReady(): Promise<Shell | null> {
  const platform = createPlatform();
  // Windows attributes notifications (and taskbar grouping) to this id: the installer's shortcut uses it.
  if (platform.appUserModelId !== null) app.setAppUserModelId(platform.appUserModelId);
  const host = await startHost(platform);
  if (host === null) return null;
  const log = (line: string) => host.logger.info(line);
  app.dock?.hide();
  applySessionSecurity(session.defaultSession);
  const { editors, bridgeCommand } = createEditorConnections(platform, host);
  const { statusWindow, ipc, toWindow } = createWindowUnit(log);
  const startAtLogin = createStartAtLogin(platform, log);
  // The tray's sign-in items use the window's sign-in controller, which reports busy to the tray.
  let services: WindowServices | null = null;
  const signIn = (): WindowServices['signIn'] => {
    if (services === null) throw new Error('the window services are not ready yet');
    return services.signIn;
  };
  const trayUnit = createTrayUnit({
    host,
    editors,
    bridgeCommand,
    statusWindow,
    startAtLogin,
    signIn,
    os: platform.os,
    log,
  });
  services = createWindowServices({
    host,
    configDir: platform.paths.configDir,
    env: platform.env,
    editors,
    openExternal: (url) => shell.openExternal(url),
    openPath: (path) => shell.openPath(path),
    onDeviceCode: (p) => toWindow('auth:device-code', { ...p, expiresOn: p.expiresOn.toISOString() }),
    onBrowserFailed: (reason) => {
      log(`sign-in: the browser could not be opened (${reason})`);
      notifyUser(statusWindow, BROWSER_FAILED_NOTICE);
    },
    onSignInBusyChanged: trayUnit.setSigningIn,
  });
  ipc.register(services.handlers);
  connectStatus(host, statusWindow, toWindow, trayUnit.refresh);
  app.on('second-instance', () => statusWindow.show());
  await startAtLogin.read();
  await trayUnit.refreshEditors();
  return {
    host,
    tray: trayUnit.tray,
    statusWindow,
    stop: () => host.stop(),
  };
}

function setupApp(): ReturnType<typeof createShellHolder<Shell>> {
  const holder = createShellHolder<Shell>();
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return holder;
  }
  // The tray app lives without windows: closing the status window must not quit it.
  app.on('window-all-closed', () => undefined);
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  const quitGuard = createQuitGuard({
    shutdown: () => holder.shutdown(),
    exit: (code) => app.exit(code),
    log: (line) => holder.current()?.host.logger.info(line),
  });
  app.on('before-quit', (event) => quitGuard.onBeforeQuit(event));
  void app.whenReady().then(() => holder.start(onReady));
  return holder;
}

/** Module scope on purpose: the running shell must stay reachable for the life of the process. */
const running = setupApp();
void running;
