/**
 * Graph Bridge — the stdio MCP server editors spawn. Composition root: the only bridge module that
 * reads process.* (argv, env, platform, pid, uid, stdio); everything else receives what it needs.
 *
 *   node dist/bridge.js [--read-only] [--tools mail,calendar,…]
 *
 * stdout carries MCP JSON-RPC only; logs go to stderr (log.ts).
 *
 * Start-up is staged (docs/bridge.md "Fast start"): the fast start (fast-start/front.ts) answers the
 * handshake and tools/list from a manifest recorded from the real server at build time; the engine
 * (fast-start/engine.ts: zod, the tools, the runtime — not the MCP SDK) is compiled from the string
 * build/build.mjs inlined, with V8's code cache (fast-start/code-cache.ts), right after the first
 * tools/list answer (the editor is idle then) or at the first tools/call, and serves tool calls; the
 * SDK's McpServer is loaded only if the front meets a message it does not serve (handover). Nothing
 * this module imports statically may load zod or the SDK (build/build.mjs fails the build if it does).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir, userInfo } from 'node:os';
import { dirname } from 'node:path';
import process from 'node:process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import type { HelloResult } from '../app/shared/bridge-contract.ts';
import { effectiveSelection, parseBridgeConfig, type BridgeConfig, type Selection } from './config.ts';
import { codeCacheFile, readCodeCache, writeCodeCache, type CodeCacheFile } from './fast-start/code-cache.ts';
import { evaluateCommonJs } from './fast-start/embedded.ts';
import type * as EngineModuleExports from './fast-start/engine.ts';
import type { Engine } from './fast-start/engine.ts';
import { createFront, type Front } from './fast-start/front.ts';
import type { FullServer } from './fast-start/full.ts';
import type { FastStartManifest } from './fast-start/manifest.ts';
import type { Sdk, SdkBundle } from './fast-start/sdk.ts';
import { parseSettingsAllowance, settingsFilePath } from './fast-start/settings-file.ts';
import { holdYoungGeneration } from './young-gc.ts';

type EngineModule = typeof EngineModuleExports;

// Inlined by build/build.mjs; undefined when run from source (tsx), where the same steps happen at
// run time instead. `typeof X === 'undefined'` lets esbuild drop the source-only branches.
/** JSON of the manifest recorded from the real server (fast-start/generate.ts). */
declare const GRAPH_BRIDGE_FAST_START: string | undefined;
/** fast-start/engine.ts bundled as CommonJS. */
declare const GRAPH_BRIDGE_ENGINE_SOURCE: string | undefined;
/** SHA-256 (hex) of GRAPH_BRIDGE_ENGINE_SOURCE: the key of its code cache. */
declare const GRAPH_BRIDGE_ENGINE_HASH: string | undefined;
/** fast-start/sdk-bundle.ts bundled as CommonJS, brotli-compressed, base64: only a handover needs it. */
declare const GRAPH_BRIDGE_SDK_SOURCE: string | undefined;

function currentUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'user';
  }
}

const DEBUG = process.env.GRAPH_BRIDGE_LOG_LEVEL === 'debug';

/** This file: __filename in the built CommonJS bundle (no URL parsing at start), else import.meta.url. */
function ownFile(): string {
  return typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
}

/** The same line shape as log.ts (which cannot be loaded before zod). Holds no secrets. */
function logLine(level: 'debug' | 'error', message: string): string {
  return `[graph-bridge ${process.pid}] ${new Date().toISOString()} ${level}: ${message.replace(/\r?\n/g, ' | ')}\n`;
}

function debug(message: string): void {
  if (DEBUG) process.stderr.write(logLine('debug', message));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function fatal(message: string): void {
  process.stderr.write(logLine('error', message));
  process.exit(1);
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
 * narrow). The approved hello replaces it, notifying the editor when it differs.
 */
function initialSelection(config: BridgeConfig): Selection {
  const path = settingsFilePath({ platform: process.platform, env: process.env, homedir: homedir() });
  return effectiveSelection(config, parseSettingsAllowance(readTextOrNull(path)));
}

/** The engine's code cache: read before compiling, written once the engine has served a call. */
interface CacheWriter {
  /** Writes the cache if it is missing or V8 rejected it (at most once). */
  flush(): void;
}

function cacheFile(hash: string): CodeCacheFile | undefined {
  return codeCacheFile({
    platform: process.platform,
    env: process.env,
    homedir: homedir(),
    uid: typeof process.getuid === 'function' ? process.getuid() : undefined,
    name: 'engine',
    key: { bundle: hash, node: process.version, v8: process.versions.v8, arch: process.arch },
  });
}

/** Compiles the inlined engine (with its code cache when a trustworthy one exists). */
function compileEngine(source: string, hash: string): { module: EngineModule; cache: CacheWriter } {
  const filename = ownFile();
  const file = cacheFile(hash);
  const cached = file ? readCodeCache(file) : { ok: false as const, reason: 'turned off' };
  // Timed only for the debug log: the first performance/cpuUsage use costs ~1.5 ms at start.
  const started = DEBUG ? performance.now() : 0;
  const cpu = DEBUG ? process.cpuUsage() : undefined;
  const bundle = evaluateCommonJs<EngineModule>(source, {
    filename,
    dirname: dirname(filename),
    require: createRequire(filename),
    ...(cached.ok ? { cachedData: cached.data } : {}),
  });
  if (DEBUG)
    debug(
      `engine compiled in ${(performance.now() - started).toFixed(1)} ms (${(process.cpuUsage(cpu).user / 1000).toFixed(1)} ms of CPU); code cache ${cached.ok ? bundle.cache : `not used (${cached.reason})`}`,
    );
  let pending = file !== undefined && bundle.cache !== 'accepted';
  return {
    module: bundle.exports,
    cache: {
      flush() {
        if (!pending || file === undefined) return;
        pending = false;
        try {
          const problem = writeCodeCache(file, bundle.createCachedData());
          debug(problem === null ? `code cache written to ${file.path}` : `code cache not written: ${problem}`);
        } catch (error) {
          debug(`code cache not written: ${describe(error)}`);
        }
      },
    },
  };
}

/** The MCP SDK for a handover: the inlined bundle (undefined from source: the engine imports it). */
function sdkLoader(): (() => Promise<Sdk>) | undefined {
  if (typeof GRAPH_BRIDGE_SDK_SOURCE === 'undefined') return undefined;
  const source = GRAPH_BRIDGE_SDK_SOURCE;
  return () => {
    const filename = ownFile();
    const code = brotliDecompressSync(Buffer.from(source, 'base64')).toString('utf8');
    const bundle = evaluateCommonJs<SdkBundle>(code, {
      filename,
      dirname: dirname(filename),
      require: createRequire(filename),
    });
    debug('MCP SDK loaded for a handover');
    return Promise.resolve(bundle.exports);
  };
}

/** The engine module: the inlined bundle, or from source the module itself. */
async function loadEngineModule(): Promise<{ module: EngineModule; cache?: CacheWriter }> {
  if (typeof GRAPH_BRIDGE_ENGINE_SOURCE === 'undefined' || typeof GRAPH_BRIDGE_ENGINE_HASH === 'undefined')
    return { module: await import('./fast-start/engine.ts') };
  return compileEngine(GRAPH_BRIDGE_ENGINE_SOURCE, GRAPH_BRIDGE_ENGINE_HASH);
}

async function recordedManifest(): Promise<FastStartManifest> {
  if (typeof GRAPH_BRIDGE_FAST_START === 'undefined') {
    // From source: record it now from the real server — slower, but the same code path.
    const { generateFastStartManifest } = await import('./fast-start/generate.ts');
    return generateFastStartManifest();
  }
  return JSON.parse(GRAPH_BRIDGE_FAST_START) as FastStartManifest;
}

interface Loaded {
  engine: Engine;
  cache?: CacheWriter;
}

/** The module of the engine, compiled (our own bundle failing to compile is reported as such: no token exists yet). */
async function compiledEngine(): Promise<{ module: EngineModule; cache?: CacheWriter }> {
  try {
    return await loadEngineModule();
  } catch (error) {
    throw new Error(`the bundled MCP server could not be loaded (${describe(error)}). ${REINSTALL}`, {
      cause: error,
    });
  }
}

/** When the broker's settings change what is served, the front lists the new tools. */
function followBrokerSelection(engine: Engine, config: BridgeConfig, front: Front<Selection>): void {
  engine.onSession((hello: HelloResult) => {
    if (hello.approval !== 'approved' || front.handedOver) return;
    const next = effectiveSelection(config, hello);
    if (front.setSelection(next))
      engine.log.info(
        `the broker serves ${next.groups.join(',') || 'no groups'}${next.readOnly ? ' (read-only)' : ''}: tool list changed`,
      );
  });
}

/** Compiles and starts the engine for this process; `front` answers the editor. */
async function startEngine(config: BridgeConfig, front: () => Front<Selection>): Promise<Loaded> {
  const { module, cache } = await compiledEngine();
  const loadSdk = sdkLoader();
  try {
    const engine = module.startEngine({
      config,
      env: process.env,
      platform: process.platform,
      pid: process.pid,
      uid: typeof process.getuid === 'function' ? process.getuid() : undefined,
      username: currentUserName(),
      homedir: homedir(),
      tmpdir: tmpdir(),
      writeLog: (line) => process.stderr.write(line),
      clientInfo: () => front().clientInfo() ?? { name: 'unknown-editor', version: '' },
      ...(loadSdk ? { loadSdk } : {}),
    });
    followBrokerSelection(engine, config, front());
    return { engine, ...(cache ? { cache } : {}) };
  } catch (error) {
    throw new Error(module.describeStartFailure(error), { cause: error });
  }
}

/**
 * After the first call, when idle: the engine's code cache now holds what calls need, so it is
 * written; then the young generation keeps its size (after the cache: young-gc.ts says why).
 */
function afterFirstCall(cache: CacheWriter | undefined): void {
  setImmediate(() => {
    cache?.flush();
    const held = holdYoungGeneration();
    debug(held === null ? 'young generation left to V8' : `young generation held at ${held}`);
  });
}

const reportFatal = (error: unknown): void => fatal(error instanceof Error ? error.message : String(error));

function startBridge(config: BridgeConfig, manifest: FastStartManifest): { shutdown(): Promise<void> } {
  let loaded: Promise<Loaded> | undefined;
  let full: Promise<FullServer> | undefined;
  let served = false;
  const engine = (): Promise<Loaded> => {
    if (loaded === undefined) {
      loaded = startEngine(config, () => front);
      loaded.catch(reportFatal);
    }
    return loaded;
  };

  const front: Front<Selection> = createFront({
    manifest,
    selection: initialSelection(config),
    write: (text) => void process.stdout.write(text),
    callTool: async (call, signal) => {
      const { engine: e, cache } = await engine();
      const result = await e.callTool(call.name, call.arguments, signal);
      if (!served) afterFirstCall(cache);
      served = true;
      return result;
    },
    onListed: () => {
      // The editor has its tool list; the model thinks before it calls one. Get ready meanwhile.
      setImmediate(() => void engine().then(({ engine: e }) => e.warm()));
    },
    handover: (first) => {
      const input = new PassThrough();
      input.write(first);
      const listing = front.selection;
      full = engine().then(({ engine: e }) => e.startFullServer({ listing, input, output: process.stdout }));
      full.catch(reportFatal);
      return (chunk) => void input.write(chunk);
    },
  });
  process.stdin.on('data', (chunk: Buffer) => front.push(chunk));

  return {
    async shutdown() {
      await (full ?? Promise.resolve(undefined)).then((server) => server?.close());
      const done = await loaded?.catch(() => undefined);
      // Only a cache that has seen a call is worth keeping (a later start would not replace it).
      if (served) done?.cache?.flush();
      done?.engine.close();
    },
  };
}

function main(): void {
  const parsed = parseBridgeConfig(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    process.stderr.write(logLine('error', parsed.message));
    process.exitCode = 2;
    return;
  }
  const { config } = parsed;
  let bridge: { shutdown(): Promise<void> } | undefined;
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    void (bridge?.shutdown() ?? Promise.resolve()).finally(() => process.exit(0));
  };
  process.stdin.once('end', shutdown);
  process.stdin.once('close', shutdown);

  recordedManifest().then(
    (manifest) => {
      bridge = startBridge(config, manifest);
    },
    (error: unknown) => fatal(`the bundled tool list could not be read (${describe(error)}). ${REINSTALL}`),
  );
}

main();
