/**
 * Drives the REAL status window page in REAL headless Chromium against a REAL tray host
 * (createTrayHost: production settings, MSAL AuthService, createBroker with sockets, key file,
 * clients.json and audit log) signed in to the emulator.
 *
 *   const h = await startStatusHarness({ settings: { toolGroups: ['profile'] } });
 *   await h.page.getByRole('button', { name: 'Sign in with a code…' }).click();
 *   await h.approveDeviceCode();
 *   await h.screenshot('signed-in');
 *   await h.close();
 *
 * The page is app/window bundled with esbuild (same options as build/build.mjs) and loaded from a
 * file:// URL, like Electron loads it. The preload is replaced by status-harness-page.ts, which builds
 * the same StatusApi (app/preload/api.ts) over a Playwright binding; requests go through the app's
 * own ipc router (sender check against the calling frame + zod parse + response stripping) and the
 * app's own window handlers (createWindowServices). Status and device-code events flow from the
 * broker to the page through the contract's event schemas.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, lstat, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createIpcRouter, createTrustedSenderCheck, type IpcRouter } from '../../app/main/window/ipc-router.ts';
import { createTrayHost, type TrayHost } from '../../app/main/tray/tray-host.ts';
import { createEditorsPort } from '../../app/main/window/editors-port.ts';
import { createWindowServices, type WindowServices } from '../../app/main/window/window-services.ts';
import { WINDOW_EVENTS, type WindowEventChannel } from '../../app/shared/window-contract.ts';
import { nodeLauncher } from '../../app/clients/bridge-launcher.ts';
import { isProcessAlive, nodeConfigFs } from '../../app/clients/fs/config-fs.ts';
import { createPlatform } from '../../app/platform/platform.ts';
import { createEditorCredentials, EDITOR_KEYS_FILE } from '../../app/broker/approvals/editor-credentials.ts';
import { createBrokerClient, type BrokerClient } from '../../bridge/broker/broker-client.ts';
import { startEmulator, type RunningEmulator } from '../emulator/index.ts';
import { writeEmulatorSettings } from './broker.ts';
import { chromiumOpenBrowser, launchChromium } from './browser.ts';

const ROOT = new URL('../../', import.meta.url);
export const ARTIFACT_DIR = new URL('test-artifacts/status-window/', ROOT);

export interface StatusHarnessOptions {
  /** Extra settings.json keys (toolGroups, approvalPolicy, …). */
  settings?: Record<string, unknown>;
  /** Simulate a machine without a usable Secret Service (the OS keychain edge fails). */
  keychainUnavailable?: boolean;
  /** false: start with no settings file (first-run setup). */
  writeSettings?: boolean;
}

export interface StatusHarness {
  page: Page;
  emulator: RunningEmulator;
  host: TrayHost;
  services: WindowServices;
  home: string;
  /** URLs the app asked the OS to open (shell.openExternal / shell.openPath edge). */
  opened: string[];
  /** Approves the device code the page is showing (what the user does on the Microsoft page). */
  approveDeviceCode(): Promise<void>;
  /** A bridge's broker client reporting `name`; with an editor credential (see editorKey) it is that editor. */
  bridgeClient(name: string, editorKey?: string): BrokerClient;
  /** Mints a credential for `editor` in this profile, as `graph-bridge connect` does. */
  editorKey(editor: string): Promise<string>;
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

async function bundle(entry: string, outfile?: string): Promise<string> {
  const r = await build({
    entryPoints: [new URL(entry, ROOT).pathname],
    bundle: true,
    platform: 'browser',
    target: 'chrome130',
    format: 'iife',
    logLevel: 'warning',
    write: outfile !== undefined,
    ...(outfile === undefined ? {} : { outfile }),
  });
  return outfile === undefined ? (r.outputFiles?.[0]?.text ?? '') : '';
}

/** app/window → <dir>/index.html, styles.css, window.js (what build/build.mjs puts in dist/window). */
async function buildWindowPage(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await Promise.all([
    copyFile(new URL('app/window/index.html', ROOT), join(dir, 'index.html')),
    copyFile(new URL('app/window/styles.css', ROOT), join(dir, 'styles.css')),
    bundle('app/window/window.ts', join(dir, 'window.js')),
  ]);
  return pathToFileURL(join(dir, 'index.html')).href;
}

export async function startStatusHarness(options: StatusHarnessOptions = {}): Promise<StatusHarness> {
  const emulator = await startEmulator();
  emulator.control.settings({ deviceInterval: 1 });
  const home = await mkdtemp(join(tmpdir(), 'gb-status-'));
  const cleanups: (() => Promise<unknown>)[] = [
    () => emulator.close(),
    () => rm(home, { recursive: true, force: true }),
  ];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    if (options.writeSettings !== false) await writeEmulatorSettings(home, emulator, options.settings ?? {});
    const env = { GRAPH_BRIDGE_HOME: home, HOME: join(home, 'user'), XDG_CONFIG_HOME: join(home, 'user', '.config') };
    const platform = createPlatform({ env, homedir: join(home, 'user') });
    const user = emulator.users[0];
    if (user === undefined) throw new Error('emulator has no users');
    const browserSignIn = chromiumOpenBrowser({
      username: user.upn,
      password: user.password,
      spkiSha256: emulator.leafSpkiSha256,
    });
    const hostResult = await createTrayHost({
      platform,
      version: '0.0.0-e2e',
      openBrowser: browserSignIn.openBrowser,
      keychainService: `graph-bridge-e2e-${randomUUID()}`,
      ...(options.keychainUnavailable === true
        ? {
            tokenCacheOptions: {
              createPersistence: () =>
                Promise.reject(
                  new Error('Cannot autolaunch D-Bus without X11 $DISPLAY (no Secret Service on this session)'),
                ),
            },
          }
        : {}),
    });
    if (!hostResult.ok) throw new Error(`tray host: ${hostResult.error.message}`);
    const host = hostResult.value;
    await host.broker.start();
    cleanups.push(() => host.broker.stop());

    const browser: Browser = await launchChromium(emulator.leafSpkiSha256);
    cleanups.push(() => browser.close());
    const context: BrowserContext = await browser.newContext({ viewport: { width: 900, height: 900 } });
    const page = await context.newPage();
    const pageUrl = await buildWindowPage(join(home, 'window'));

    const opened: string[] = [];
    let lastCode: string | null = null;
    const send = <E extends WindowEventChannel>(channel: E, payload: unknown) =>
      page
        .evaluate(([c, p]) => (globalThis as unknown as { __gbEmit(c: string, p: unknown): void }).__gbEmit(c, p), [
          channel,
          WINDOW_EVENTS[channel].parse(payload),
        ] as const)
        .catch(() => undefined);

    const services = createWindowServices({
      host,
      configDir: platform.paths.configDir,
      env: platform.env,
      editors: createEditorsPort({
        clients: {
          fs: nodeConfigFs,
          now: () => new Date(),
          pid: process.pid,
          isProcessAlive,
          paths: { platform: 'linux', env, homedir: join(home, 'user') },
          launcher: nodeLauncher({
            nodePath: process.execPath,
            bridgeEntry: '/opt/graph-bridge/dist/bridge.js',
            cliEntry: '/opt/graph-bridge/dist/cli.js',
          }),
        },
        bridgeOptions: () => ({ home }),
      }),
      openExternal: async (url) => void opened.push(url),
      openPath: async (path) => (opened.push(path), ''),
      onDeviceCode: (prompt) => {
        lastCode = prompt.userCode;
        void send('auth:device-code', { ...prompt, expiresOn: prompt.expiresOn.toISOString() });
      },
      onSignInBusyChanged: () => undefined,
    });

    // The app's own router; the "sender" is the real frame that called the binding.
    let router: IpcRouter | null = null;
    router = createIpcRouter({
      registrar: { handle: () => undefined, removeHandler: () => undefined },
      isTrustedSender: createTrustedSenderCheck({ webContentsId: () => 1, pageUrl }),
    });
    router.register(services.handlers);
    await context.exposeBinding('__gbInvoke', (source, channel: string, payload: unknown) =>
      router.dispatch(
        { sender: { id: 1 }, senderFrame: { url: source.frame.url(), parent: source.frame.parentFrame() } },
        channel,
        payload,
      ),
    );
    await context.addInitScript({ content: await bundle('test/helpers/status-harness-page.ts') });
    const unsubscribe = host.broker.onStatusChanged((s) => void send('status:changed', s));
    cleanups.push(async () => unsubscribe());
    // As main.ts: confirmation codes for commands typed in a terminal go to the window only.
    const unsubscribeCodes = host.onConfirmationCodes((codes) => void send('codes:changed', codes));
    cleanups.push(async () => unsubscribeCodes());

    await page.goto(pageUrl);
    await page.locator('body[data-ready="true"]').waitFor();
    await mkdir(ARTIFACT_DIR, { recursive: true });

    const clients: BrokerClient[] = [];
    cleanups.push(() => Promise.resolve(clients.forEach((c) => c.close())));
    return {
      page,
      emulator,
      host,
      services,
      home,
      opened,
      approveDeviceCode() {
        if (lastCode === null) return Promise.reject(new Error('no device code shown yet'));
        const decision = emulator.control.device(lastCode, 'approve');
        return decision.ok
          ? Promise.resolve()
          : Promise.reject(new Error(`device approval failed: ${JSON.stringify(decision)}`));
      },
      editorKey: async (editor) =>
        (await createEditorCredentials({ filePath: join(platform.paths.stateDir, EDITOR_KEYS_FILE) }).ensure(editor))
          .key,
      bridgeClient(name, editorKey) {
        const c = createBrokerClient({
          ...(editorKey === undefined ? {} : { editorKey }),
          endpoint: platform.paths.endpoint,
          connect: (path) =>
            new Promise((resolve, reject) => {
              const s = createConnection(path, () => resolve(s));
              s.once('error', reject);
            }),
          readFile: (p) => readFile(p, 'utf8'),
          privateDir: { lstat, uid: process.getuid?.() },
          clientInfo: () => ({ name, version: '1.0.0' }),
          pid: process.pid,
          tools: [{ name: 'mail_send', group: 'mail', scopes: ['Mail.Send'], readOnly: false }],
          log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          now: () => Date.now(),
        });
        clients.push(c);
        return c;
      },
      async screenshot(name) {
        await page.screenshot({ path: new URL(`${name}.png`, ARTIFACT_DIR).pathname, fullPage: true });
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
