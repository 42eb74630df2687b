/**
 * Graph Bridge — the stdio MCP server editors spawn. Composition root: the only bridge module that
 * reads process.* (argv, env, platform, pid, uid, stdio); everything else receives what it needs.
 *
 *   node dist/bridge.js [--read-only] [--tools mail,calendar,…]
 *
 * stdout carries MCP JSON-RPC only; logs go to stderr (log.ts).
 *
 * Start-up is two-stage (docs/bridge.md "Fast start"): the fast start (fast-start/front.ts) answers
 * the handshake and tools/list from a manifest recorded from the real server at build time, and the
 * first other message import()s fast-start/full.ts — the real McpServer, zod, the tools — and hands
 * the stream over. Nothing this module imports statically may load zod or the SDK: in the
 * single-file CJS bundle the whole zod graph must sit behind that one import() (mixing eagerly and
 * lazily evaluated zod modules initialises zod out of order, "Class is not a constructor").
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir, userInfo } from 'node:os';
import { dirname } from 'node:path';
import process from 'node:process';
import { PassThrough, type Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { effectiveSelection, parseBridgeConfig, type BridgeConfig, type Selection } from './config.ts';
import { evaluateCommonJs } from './fast-start/embedded.ts';
import { createFront } from './fast-start/front.ts';
import { parseSettingsAllowance, settingsFilePath } from './fast-start/settings-file.ts';
import type * as FullModuleExports from './fast-start/full.ts';
import type { FullServer } from './fast-start/full.ts';
import type { FastStartManifest } from './fast-start/manifest.ts';

type FullModule = typeof FullModuleExports;

// Both inlined by build/build.mjs; undefined when run from source (tsx), where the same two steps
// happen at run time instead. `typeof X === 'undefined'` lets esbuild drop the source-only branches.
/** JSON of the manifest recorded from the real server (fast-start/generate.ts). */
declare const GRAPH_BRIDGE_FAST_START: string | undefined;
/** fast-start/full.ts bundled as CommonJS. */
declare const GRAPH_BRIDGE_FULL_SOURCE: string | undefined;

function currentUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'user';
  }
}

/** The same line shape as log.ts (which cannot be loaded before zod). Holds no secrets. */
function logLine(level: 'error', message: string): string {
  return `[graph-bridge ${process.pid}] ${new Date().toISOString()} ${level}: ${message.replace(/\r?\n/g, ' | ')}\n`;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function fatal(message: string): void {
  process.stderr.write(logLine('error', message));
  process.exit(1);
}

function loadFull(): Promise<FullModule> {
  if (typeof GRAPH_BRIDGE_FULL_SOURCE === 'undefined') return import('./fast-start/full.ts');
  const filename = fileURLToPath(import.meta.url);
  return Promise.resolve(
    evaluateCommonJs<FullModule>(GRAPH_BRIDGE_FULL_SOURCE, {
      filename,
      dirname: dirname(filename),
      require: createRequire(filename),
    }),
  );
}

const REINSTALL = 'Reinstall Graph Bridge (from a checkout: npm run build), then restart the editor.';

function readTextOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * What to list before the broker answers: the broker's settings.json ∩ the entry's flags (flags only
 * narrow). The approved hello replaces it (full.ts), notifying the editor when it differs.
 */
function initialSelection(config: BridgeConfig): Selection {
  const path = settingsFilePath({ platform: process.platform, env: process.env, homedir: homedir() });
  return effectiveSelection(config, parseSettingsAllowance(readTextOrNull(path)));
}

/** Rejects with the finished stderr message (redacted by the full server's own helper once it is loaded). */
async function startFull(config: BridgeConfig, listing: Selection, input: Readable): Promise<FullServer> {
  let full: FullModule;
  try {
    full = await loadFull();
  } catch (error) {
    // Our own bundle failed to compile: no token exists yet.
    throw new Error(`the bundled MCP server could not be loaded (${describe(error)}). ${REINSTALL}`, { cause: error });
  }
  try {
    return await full.startFullServer({
      config,
      listing,
      env: process.env,
      platform: process.platform,
      pid: process.pid,
      uid: typeof process.getuid === 'function' ? process.getuid() : undefined,
      username: currentUserName(),
      homedir: homedir(),
      tmpdir: tmpdir(),
      writeLog: (line) => process.stderr.write(line),
      input,
      output: process.stdout,
    });
  } catch (error) {
    throw new Error(full.describeStartFailure(error), { cause: error });
  }
}

async function recordedManifest(): Promise<FastStartManifest> {
  if (typeof GRAPH_BRIDGE_FAST_START === 'undefined') {
    // From source: record it now from the real server — slower, but the same code path.
    const { generateFastStartManifest } = await import('./fast-start/generate.ts');
    return generateFastStartManifest();
  }
  return JSON.parse(GRAPH_BRIDGE_FAST_START) as FastStartManifest;
}

function main(): void {
  const parsed = parseBridgeConfig(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    process.stderr.write(logLine('error', parsed.message));
    process.exitCode = 2;
    return;
  }
  const { config } = parsed;
  const listing = initialSelection(config);
  let full: Promise<FullServer> | undefined;
  const shutdown = (): void => {
    void (full ?? Promise.resolve(undefined)).then((server) => server?.close()).finally(() => process.exit(0));
  };
  process.stdin.once('end', shutdown);
  process.stdin.once('close', shutdown);

  recordedManifest().then(
    (manifest) => {
      const front = createFront({
        manifest,
        selection: listing,
        write: (text) => void process.stdout.write(text),
        handover: (first) => {
          const input = new PassThrough();
          input.write(first);
          full = startFull(config, listing, input);
          full.catch((error: unknown) => fatal(error instanceof Error ? error.message : String(error)));
          return (chunk) => void input.write(chunk);
        },
      });
      process.stdin.on('data', (chunk: Buffer) => front.push(chunk));
    },
    (error: unknown) => fatal(`the bundled tool list could not be read (${describe(error)}). ${REINSTALL}`),
  );
}

main();
