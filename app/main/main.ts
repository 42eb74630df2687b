/**
 * Electron main — the tray app's composition root. No window at start; the tray is the UI. It hosts
 * the SAME broker as `graph-bridge agent` (createTrayHost → createBroker), so bridges connect to
 * whichever of the two runs. Everything here is a createX(deps)/setupX() call; logic lives in the
 * modules it wires (and is unit-tested there).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, clipboard, dialog, Menu, nativeImage, Notification, session, shell, Tray } from 'electron';
import { createEditorCredentials, EDITOR_KEYS_FILE } from '../broker/approvals/editor-credentials.ts';
import { electronLauncher } from '../clients/bridge-launcher.ts';
import { isProcessAlive, nodeConfigFs } from '../clients/fs/config-fs.ts';
import { createPlatform } from '../platform/platform.ts';
import { createCheckoutDemo, findCheckoutRoot } from './demo-tenant.ts';
import { createEditorsPort } from './editors-port.ts';
import { createWindowIpc, sendWindowEvent } from './ipc-main.ts';
import { createTrustedSenderCheck } from './ipc-router.ts';
import { createStatusReactor } from './status-reactor.ts';
import { createStatusWindow } from './status-window.ts';
import { createTrayActions } from './tray-actions.ts';
import { createTrayHost } from './tray-host.ts';
import { appIconPng, trayIconPng } from './tray-icons.ts';
import { createTrayView } from './tray.ts';
import { applySessionSecurity } from './window-security.ts';
import { createWindowServices } from './window-services.ts';
import type { EditorInfo } from '../shared/window-contract.ts';

const PAGE_URL = new URL('./window/index.html', import.meta.url).href;
const PRELOAD_PATH = fileURLToPath(new URL('./preload.cjs', import.meta.url));
const MAIN_SCRIPT = fileURLToPath(import.meta.url);

function image(png1x: Buffer, png2x: Buffer): Electron.NativeImage {
  const img = nativeImage.createEmpty();
  img.addRepresentation({ scaleFactor: 1, buffer: png1x });
  img.addRepresentation({ scaleFactor: 2, buffer: png2x });
  return img;
}

async function onReady(): Promise<void> {
  const platform = createPlatform();
  const hostResult = await createTrayHost({ platform, version: app.getVersion() });
  if (!hostResult.ok) {
    dialog.showErrorBox('Graph Bridge could not start', hostResult.error.message);
    return app.quit();
  }
  const host = hostResult.value;
  const log = (line: string) => host.logger.info(line);
  try {
    await host.broker.start();
  } catch (err: unknown) {
    dialog.showErrorBox('Graph Bridge could not start', err instanceof Error ? err.message : String(err));
    return app.quit();
  }

  app.dock?.hide();
  applySessionSecurity(session.defaultSession);
  const bridgeEntry = app.isPackaged
    ? join(process.resourcesPath, 'bridge.js')
    : fileURLToPath(new URL('./bridge.js', import.meta.url));
  const launcher = electronLauncher({ appExecutable: process.execPath, bridgeEntry });
  const bridgeCommand = `ELECTRON_RUN_AS_NODE=1 "${launcher.command}" "${bridgeEntry}"`;
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
    bridgeOptions: () => {
      const ca = host.settings().extraCaFile;
      const home = platform.env.GRAPH_BRIDGE_HOME;
      return { ...(ca === null ? {} : { extraCaFile: ca }), ...(home === undefined ? {} : { home }) };
    },
  });

  const statusWindow = createStatusWindow({
    createWindow: (options) => new BrowserWindow(options),
    pageUrl: PAGE_URL,
    preloadPath: PRELOAD_PATH,
    icon: nativeImage.createFromBuffer(appIconPng(256)),
    log,
  });
  const ipc = createWindowIpc({
    isTrustedSender: createTrustedSenderCheck({ webContentsId: statusWindow.webContentsId, pageUrl: PAGE_URL }),
    log,
  });
  const toWindow = <E extends 'status:changed' | 'auth:device-code' | 'codes:changed'>(
    channel: E,
    payload: Parameters<typeof sendWindowEvent<E>>[2],
  ) => {
    const contents = statusWindow.contents();
    if (contents !== null) sendWindowEvent(contents, channel, payload);
  };

  // "Try the demo tenant": only from a source checkout (test/emulator/ is never packaged).
  const checkoutRoot = app.isPackaged ? null : findCheckoutRoot(dirname(MAIN_SCRIPT), existsSync);
  const demo =
    checkoutRoot === null
      ? null
      : createCheckoutDemo({
          checkoutRoot,
          // Started through npm (npm start, npx electron): the same Node; otherwise the one on PATH.
          nodeCommand: platform.env.npm_node_execPath ?? 'node',
          env: platform.env,
          stateDir: platform.paths.stateDir,
          configDir: platform.paths.configDir,
          host,
          log,
        });
  const demoPort = demo?.port ?? null;

  // Start at login: XDG autostart entry on Linux, Electron's login items on macOS/Windows.
  const loginItem = platform.loginItem({
    command: { executable: process.execPath, args: app.isPackaged ? [] : [MAIN_SCRIPT] },
    electron: {
      getLoginItemSettings: (options) => app.getLoginItemSettings(options),
      setLoginItemSettings: (settings) => app.setLoginItemSettings(settings),
    },
  });
  let startAtLogin = false;
  const readStartAtLogin = async () => {
    startAtLogin = await loginItem.isEnabled().catch((err: unknown) => {
      log(`start at login: could not read the ${loginItem.kind} entry: ${(err as Error).message}`);
      return false;
    });
  };

  let signingIn = false;
  let editorList: EditorInfo[] = [];
  const tray = new Tray(image(trayIconPng('signed-out', 16), trayIconPng('signed-out', 32)));
  const refreshTray = () =>
    trayView.update(host.broker.status(), editorList, {
      signingIn,
      startAtLogin,
      useOsBroker: host.settings().useBroker,
    });
  const services = createWindowServices({
    host,
    configDir: platform.paths.configDir,
    env: platform.env,
    editors,
    appInfo: () => ({ version: app.getVersion(), os: platform.os, fromCheckout: demoPort !== null, bridgeCommand }),
    openExternal: (url) => shell.openExternal(url),
    openPath: (path) => shell.openPath(path),
    demo: demoPort,
    onDeviceCode: (p) => toWindow('auth:device-code', { ...p, expiresOn: p.expiresOn.toISOString() }),
    onSignInBusyChanged: (busy) => {
      signingIn = busy;
      refreshTray();
    },
  });
  ipc.register(services.handlers);

  const onAction = createTrayActions({
    signIn: () => services.signIn.signIn(),
    signInWithCode: () => services.signIn.signInWithCode(),
    signOut: () => host.broker.signOut(),
    showWindow: () => statusWindow.show(),
    connectEditor: async (id) => {
      await editors.connect(id);
      editorList = await editors.list();
      refreshTray();
    },
    copyBridgeCommand: () => {
      void clipboard.writeText(bridgeCommand);
    },
    setPaused: (paused) => host.broker.setPaused(paused),
    setStartAtLogin: async (enabled) => {
      try {
        await loginItem.setEnabled(enabled);
      } catch (err: unknown) {
        dialog.showErrorBox('Graph Bridge: start at login', (err as Error).message);
        throw err;
      } finally {
        await readStartAtLogin();
        refreshTray();
      }
    },
    quit: () => app.quit(),
    log,
  });
  const trayView = createTrayView({
    tray,
    buildMenu: (template) => Menu.buildFromTemplate(template),
    image,
    onAction,
  });
  const reactor = createStatusReactor({
    updateTray: refreshTray,
    sendToWindow: (status) => toWindow('status:changed', status),
    notify: (n) => {
      if (!Notification.isSupported()) return;
      const note = new Notification({ title: n.title, body: n.body });
      note.on('click', () => statusWindow.show());
      note.show();
    },
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
  tray.on('click', () => statusWindow.show());
  app.on('second-instance', () => statusWindow.show());
  app.on('before-quit', () => {
    void demo?.emulator.stop();
    void host.broker.stop();
  });
  editorList = await editors.list();
  await readStartAtLogin();
  refreshTray();
}

function setupApp(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  // The tray app lives without windows: closing the status window must not quit it.
  app.on('window-all-closed', () => undefined);
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  void app.whenReady().then(onReady);
}

setupApp();
