/**
 * The demo tenant for the tray app (`npm run tray:demo`, test/emulator/tray-demo.ts) — development
 * only: production code never references test/ (lint). Before Electron starts, it:
 *
 *  1. starts the bundled Entra ID + Graph emulator as a child process
 *     (`node --import tsx test/emulator/main.ts --ready-json …`, free ports, CA in the profile's state dir),
 *  2. waits for its machine-readable ready line (`graph-bridge-emulator-ready {json}`),
 *  3. writes the demo values as ordinary settings into the demo profile — clientId, tenant, a custom
 *     cloud {authorityHost, graphBaseUrl} and extraCaFile, the same keys `npm run demo` writes — after
 *     keeping a copy of an existing settings.json,
 *  4. tells the user which demo user to type into the emulator's sign-in page.
 *
 * Nothing in app/ knows about the emulator: the tray simply starts on that profile's configuration.
 * The child stops when the entry stops it (and stops itself if our end of its stdin closes).
 */
import { spawn } from 'node:child_process';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Result } from '../../app/shared/result.ts';
import { errnoOf } from '../../app/shared/errno.ts';
import { loadSettings, readRawSettings, saveSettings, settingsPath } from '../../app/broker/settings/settings-store.ts';
import type { Settings } from '../../app/broker/settings/settings-schema.ts';

/** A result whose error names what failed and what to do (codes as the window used them). */
type DemoResult<T> = Result<T, { code: string; message: string }>;

/** test/emulator/main.ts prints its ready line with this prefix, typed by EmulatorReady. */
export const EMULATOR_READY_PREFIX = 'graph-bridge-emulator-ready ';
/** Relative to the checkout root. */
export const EMULATOR_ENTRY = 'test/emulator/main.ts';

export const emulatorReadySchema = z.object({
  version: z.literal(1),
  entraOrigin: z.url(),
  graphOrigin: z.url(),
  authority: z.url(),
  tenantId: z.string().min(1),
  tenantDomain: z.string().min(1),
  clientId: z.string().min(1),
  caPath: z.string().min(1),
  users: z
    .array(
      z.object({ upn: z.string().min(1), password: z.string().min(1), displayName: z.string(), isAdmin: z.boolean() }),
    )
    .min(1),
});
export type EmulatorReady = z.infer<typeof emulatorReadySchema>;

/** The settings keys the demo sets (what test/emulator/demo.ts writes for `npm run demo`). */
export function demoSettings(ready: EmulatorReady) {
  return {
    clientId: ready.clientId,
    tenant: ready.tenantId,
    cloud: { authorityHost: ready.entraOrigin, graphBaseUrl: `${ready.graphOrigin}/` },
    authority: null,
    extraCaFile: ready.caPath,
  };
}

// ---------------------------------------------------------------------------------------------
// The emulator child process

interface Readable {
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
}

/** The parts of a node ChildProcess (stdio: pipe) the launcher uses. */
export interface DemoChild {
  stdout: Readable | null;
  stderr: Readable | null;
  stdin: { end(): unknown } | null;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  once(event: 'error', listener: (err: Error) => void): unknown;
  kill(signal?: NodeJS.Signals): boolean;
}

export type DemoSpawn = (
  command: string,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string | undefined>; stdio: ['pipe', 'pipe', 'pipe'] },
) => DemoChild;

export interface DemoEmulatorDeps {
  checkoutRoot: string;
  /** The Node.js executable that runs the emulator (a checkout has one: it ran `npm install`). */
  nodeCommand: string;
  spawn: DemoSpawn;
  env: Readonly<Record<string, string | undefined>>;
  /** Where the emulator writes its CA (a stable path in the app's state dir). */
  caDir: string;
  readyTimeoutMs?: number;
  setTimer?: (ms: number, fn: () => void) => () => void;
  log(line: string): void;
}

export interface DemoEmulator {
  /** Starts the emulator (or returns the one already running). */
  start(): Promise<Result<EmulatorReady>>;
  /** Stops the child if it runs; resolves when it has exited. */
  stop(): Promise<void>;
  running(): boolean;
}

function failure(message: string): Result<never> {
  return { ok: false, error: { code: 'INTERNAL', message } };
}

export function createDemoEmulator(deps: DemoEmulatorDeps): DemoEmulator {
  const timeoutMs = deps.readyTimeoutMs ?? 60_000;
  const setTimer =
    deps.setTimer ??
    ((ms: number, fn: () => void) => {
      const t = setTimeout(fn, ms);
      return () => clearTimeout(t);
    });
  let child: DemoChild | null = null;
  let exited: Promise<void> = Promise.resolve();
  let starting: Promise<Result<EmulatorReady>> | null = null;
  let ready: EmulatorReady | null = null;

  const launch = (): Promise<Result<EmulatorReady>> =>
    new Promise((resolve) => {
      const args = [
        '--import',
        'tsx',
        EMULATOR_ENTRY,
        '--entra-port',
        '0',
        '--graph-port',
        '0',
        '--ca-dir',
        deps.caDir,
        '--mode',
        'page',
        '--quiet',
        '--ready-json',
        '--exit-on-stdin-end',
      ];
      // The child is plain Node: never run it as Electron.
      const env = { ...deps.env, ELECTRON_RUN_AS_NODE: undefined };
      let proc: DemoChild;
      try {
        proc = deps.spawn(deps.nodeCommand, args, { cwd: deps.checkoutRoot, env, stdio: ['pipe', 'pipe', 'pipe'] });
      } catch (err: unknown) {
        resolve(failure(`Could not start the demo tenant: ${(err as Error).message}.`));
        return;
      }
      child = proc;
      let settled = false;
      let stdoutBuffer = '';
      const stderrTail: string[] = [];
      const settle = (result: Result<EmulatorReady>) => {
        if (settled) return;
        settled = true;
        cancelTimer();
        resolve(result);
      };
      exited = new Promise((done) => {
        proc.once('exit', (code, signal) => {
          if (child === proc) {
            child = null;
            ready = null;
          }
          deps.log(`demo tenant: emulator exited (${signal ?? `code ${code ?? '?'}`})`);
          const tail = stderrTail.join('\n').trim();
          settle(
            failure(
              `The demo tenant stopped before it was ready (${signal ?? `exit code ${code ?? '?'}`}).` +
                (tail === '' ? '' : ` Its last output: ${tail.slice(-600)}`) +
                ' Run `npm run emulator` in the checkout to see the full error.',
            ),
          );
          done();
        });
      });
      proc.once('error', (err) => {
        const hint =
          errnoOf(err) === 'ENOENT'
            ? ` "${deps.nodeCommand}" was not found: install Node.js 20 or later and make sure it is on PATH.`
            : '';
        settle(failure(`Could not start the demo tenant: ${err.message}.${hint}`));
      });
      const cancelTimer = setTimer(timeoutMs, () => {
        settle(
          failure(
            `The demo tenant did not report ready within ${Math.round(timeoutMs / 1000)} s; it was stopped. Run \`npm run emulator\` in the checkout to see why.`,
          ),
        );
        proc.kill('SIGTERM');
      });
      proc.stdout?.on('data', (chunk) => {
        stdoutBuffer += chunk.toString();
        let nl: number;
        while ((nl = stdoutBuffer.indexOf('\n')) >= 0) {
          const line = stdoutBuffer.slice(0, nl);
          stdoutBuffer = stdoutBuffer.slice(nl + 1);
          if (!settled && line.startsWith(EMULATOR_READY_PREFIX)) {
            let parsed: unknown;
            try {
              parsed = JSON.parse(line.slice(EMULATOR_READY_PREFIX.length));
            } catch {
              parsed = null;
            }
            const facts = emulatorReadySchema.safeParse(parsed);
            if (facts.success) {
              ready = facts.data;
              deps.log(`demo tenant: emulator ready at ${facts.data.entraOrigin} (Graph ${facts.data.graphOrigin})`);
              settle({ ok: true, value: facts.data });
            } else {
              settle(failure('The demo tenant printed a ready line this version does not understand.'));
              proc.kill('SIGTERM');
            }
          }
        }
        // Only the ready line matters; the rest (the banner) is dropped — it is drained, not buffered.
        if (stdoutBuffer.length > 64 * 1024) stdoutBuffer = '';
      });
      proc.stderr?.on('data', (chunk) => {
        for (const line of chunk.toString().split('\n')) {
          if (line.trim() === '') continue;
          stderrTail.push(line);
          if (stderrTail.length > 20) stderrTail.shift();
        }
      });
    });

  return {
    start() {
      if (ready !== null && child !== null) return Promise.resolve({ ok: true, value: ready });
      if (starting !== null) return starting;
      const run = launch().finally(() => {
        starting = null;
      });
      starting = run;
      return run;
    },
    async stop() {
      const proc = child;
      if (proc === null) return;
      proc.stdin?.end();
      proc.kill('SIGTERM');
      await exited;
    },
    running: () => child !== null,
  };
}

// ---------------------------------------------------------------------------------------------
// Settings and the window action

/** The user's own settings.json is copied here before the demo values are written. */
export const SETTINGS_BACKUP_SUFFIX = '.before-demo';

export interface DemoSettingsDeps {
  configDir: string;
  env: Readonly<Record<string, string | undefined>>;
  readText(path: string): Promise<string>;
  /** Copies a file (the backup of the user's own settings). */
  copy?(from: string, to: string): Promise<void>;
}

const DEMO_KEYS = ['clientId', 'tenant', 'cloud', 'authority', 'extraCaFile'] as const;

/** Nothing was changed: the settings file (or its backup) could not be written. */
function notWritten(what: string, err: unknown): { ok: false; error: { code: 'SETTINGS_INVALID'; message: string } } {
  const reason = err instanceof Error ? err.message : String(err);
  return {
    ok: false,
    error: {
      code: 'SETTINGS_INVALID',
      message: `${what} (${reason}). Check that the folder is writable, then try the demo tenant again.`,
    },
  };
}

/**
 * Writes the demo values into settings.json (other keys kept). The user's own file is copied to
 * `settings.json.before-demo` first — unless it already points at a demo tenant (same CA dir), so a
 * second click never overwrites the real backup. Returns the effective settings (with env overrides).
 */
export async function writeDemoSettings(
  deps: DemoSettingsDeps,
  ready: EmulatorReady,
  caDir: string,
): Promise<DemoResult<{ settings: Settings; backup: string | null }>> {
  const path = settingsPath(deps.configDir);
  const current = await readRawSettings(path, (p) => deps.readText(p));
  if ('error' in current) {
    return {
      ok: false,
      error: { code: 'SETTINGS_INVALID', message: `${current.error} Then try the demo tenant again.` },
    };
  }
  const { raw, exists } = current;
  const previousCa = typeof raw.extraCaFile === 'string' ? raw.extraCaFile : '';
  const alreadyDemo = previousCa === ready.caPath || previousCa === join(caDir, 'ca.pem');
  let backup: string | null = null;
  if (exists && !alreadyDemo) {
    backup = `${path}${SETTINGS_BACKUP_SUFFIX}`;
    try {
      await (deps.copy ?? ((a: string, b: string) => copyFile(a, b)))(path, backup);
    } catch (err: unknown) {
      return notWritten(`Could not back up ${path} to ${backup}`, err);
    }
  }
  let saved: Awaited<ReturnType<typeof saveSettings>>;
  try {
    saved = await saveSettings(deps.configDir, { ...raw, ...demoSettings(ready) });
  } catch (err: unknown) {
    return notWritten(`Could not write ${path}`, err);
  }
  if (!saved.ok) {
    return {
      ok: false,
      error: {
        code: 'SETTINGS_INVALID',
        message: `The demo settings were refused: ${saved.problems.map((p) => p.message).join(' ')}`,
      },
    };
  }
  const loaded = await loadSettings({ configDir: deps.configDir, env: deps.env });
  if (!loaded.ok) return { ok: false, error: { code: 'SETTINGS_INVALID', message: loaded.error.message } };
  const overridden = DEMO_KEYS.filter((k) => loaded.value.envOrigins[k] !== undefined).map(
    (k) => `${loaded.value.envOrigins[k]} (${k})`,
  );
  if (overridden.length > 0) {
    return {
      ok: false,
      error: {
        code: 'NOT_AVAILABLE',
        message: `The demo settings were written, but ${overridden.join(', ')} in the environment override them. Unset them and start Graph Bridge again.`,
      },
    };
  }
  return { ok: true, value: { settings: loaded.value.settings, backup } };
}

export function demoMessage(ready: EmulatorReady, backup: string | null): string {
  const user = ready.users[0];
  return [
    `The demo tenant is running (${ready.tenantDomain}, emulator at ${ready.entraOrigin}) and Graph Bridge starts on it.`,
    backup === null ? null : `Your own settings are saved in ${backup}.`,
    user === undefined
      ? null
      : `Sign in (tray menu or Account) and, on the sign-in page, enter the demo user ${user.upn} with the password ${user.password}.`,
    'The demo tenant stops when you quit Graph Bridge.',
  ]
    .filter((x): x is string => x !== null)
    .join(' ');
}

export interface TrayDemoDeps {
  checkoutRoot: string;
  /** The Node.js that runs the emulator (the one running this entry). */
  nodeCommand: string;
  /** The environment the tray will get; its GRAPH_BRIDGE_HOME is the demo profile. */
  env: Readonly<Record<string, string | undefined>>;
  /** The demo profile's config and state dirs (the emulator's CA goes in `demo-tenant/` there). */
  configDir: string;
  stateDir: string;
  log(line: string): void;
  /** Default: node:child_process spawn. */
  spawn?: DemoSpawn;
}

export interface PreparedDemo {
  emulator: DemoEmulator;
  ready: EmulatorReady;
  /** The profile's effective settings now (with environment overrides). */
  settings: Settings;
  /** What to tell the user: the tenant, the backup, the demo user and password. */
  message: string;
}

/** Starts the emulator child and writes its values as the demo profile's settings. */
export async function prepareTrayDemo(deps: TrayDemoDeps): Promise<DemoResult<PreparedDemo>> {
  const caDir = join(deps.stateDir, 'demo-tenant');
  const emulator = createDemoEmulator({
    checkoutRoot: deps.checkoutRoot,
    nodeCommand: deps.nodeCommand,
    spawn: deps.spawn ?? ((command, args, options) => spawn(command, [...args], options)),
    env: deps.env,
    caDir,
    log: (line) => deps.log(line),
  });
  const started = await emulator.start();
  if (!started.ok) return started;
  const settings = { configDir: deps.configDir, env: deps.env, readText: (path: string) => readFile(path, 'utf8') };
  const written = await writeDemoSettings(settings, started.value, caDir);
  if (!written.ok) {
    await emulator.stop();
    return written;
  }
  return {
    ok: true,
    value: {
      emulator,
      ready: started.value,
      settings: written.value.settings,
      message: demoMessage(started.value, written.value.backup),
    },
  };
}
