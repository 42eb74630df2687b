/**
 * Bridge benchmark (printed, never asserted). Every figure is printed next to its goal as a ratio
 * against a baseline measured in the same run, interleaved with it so machine load hits both alike:
 *
 *   figure                                              baseline                                goal
 *   spawn → tools/list                                  one-tool SDK server, same                ≤ 0.80×
 *   peak RSS after tools/list                           one-tool SDK server                      ≤ +10 MiB
 *   tools/list bytes per group, defaults, all, largest  — (MCP SDK Client, test/tool-catalog)     ≤ 40 / 64 / 2.5 KB
 *     (also shown: what an MCP SDK client spends compiling every outputSchema of that list, with Ajv)
 *   spawn → first get_my_profile result                 one-tool SDK server spawn → tools/list   ≤ 1.00×
 *   10 editors start at once, until all 10 have that    10 one-tool servers, until all listed    ≤ 2.00×
 *   per-call overhead p50 (bridge − raw HTTPS GET)      raw HTTPS GET with the same token        ≤ 1.5 ms
 *     (also shown: a Unix-socket JSON echo round trip, the floor of any local process hop)
 *   RSS after 2,000 calls − after 10                    —                                        ≤ +16 MiB
 *     (with process.memoryUsage()'s breakdown, from a probe preloaded into the bridge)
 *
 * The bridge is built exactly as the product is (build/build.mjs: one minified CommonJS file) unless
 * BENCH_BRIDGE names another built bridge.js (to compare builds on the same machine in the same
 * conditions); the one-tool baseline is bundled with the same esbuild options. "Agent + emulator":
 * a real broker, signed in to the emulator, runs in a process of its own (fixtures/services.ts).
 * Start-up figures use the bridge's code cache as a second start finds it (a warm-up run writes it);
 * the first start after an install or update is shown as "cold".
 *
 *   npm run bench -- bridge              BENCH_RUNS=15 BENCH_CALLS=5000 BENCH_BRIDGE=/x/bridge.js …
 *   BENCH_GC=1 adds the heap still used after a full GC at both marks (changes the RSS figure; see
 *   fixtures/memory-probe.mjs).
 */
import { execFile, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { JsonSchemaType } from '@modelcontextprotocol/sdk/validation';
import { build } from 'esbuild';
import { TOOL_GROUPS, DEFAULT_TOOL_GROUPS } from '../../app/shared/tool-groups.ts';
import { measureClientCatalog, type ClientCatalogFigures } from '../tool-catalog/measure-client.ts';
import { CATALOG_BUDGET } from '../tool-catalog/sizes.ts';
import type { ServicesInfo } from './fixtures/services.ts';
import { iqr, median, spread } from './lib/stats.ts';
import { cpuMs, handshake, peakRssKiB, spawnRpc, type StdioRpc } from './lib/stdio-rpc.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const CROWD_ROUNDS = Number(process.env.BENCH_CROWD_ROUNDS ?? 5);
const CROWD = 10;
const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const EARLY_CALLS = 10;
const PROFILE_CALL = { name: 'get_my_profile', arguments: {} };
const PROFILE_URL_QUERY =
  '$select=id%2CdisplayName%2CgivenName%2Csurname%2Cmail%2CuserPrincipalName%2CjobTitle%2Cdepartment%2CofficeLocation%2CmobilePhone%2CbusinessPhones%2CpreferredLanguage';
const readText = (p: string): Promise<string> => readFile(p, 'utf8');
const procFs = { readdir: (p: string) => readdir(p), readFile: readText };
const now = (): number => performance.now();

/** The baseline, with build/build.mjs's options for dist/bridge.js. */
async function bundle(entry: string, outfile: string): Promise<number> {
  await build({
    entryPoints: [join(ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    logLevel: 'error',
    define: { 'import.meta.url': '__gbImportMeta.url' },
    banner: {
      js: "var __gbImportMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };",
    },
  });
  return (await readFile(outfile)).byteLength;
}

/** The bridge, by the product's own build script (into `outdir`, not dist/), or BENCH_BRIDGE. */
async function bridgeUnderTest(outdir: string): Promise<{ file: string; bytes: number }> {
  let file = process.env.BENCH_BRIDGE || undefined;
  if (file === undefined) {
    await promisify(execFile)(process.execPath, [join(ROOT, 'build/build.mjs'), '--only=bridge', `--outdir=${outdir}`]);
    file = join(outdir, 'bridge.js');
  }
  return { file, bytes: (await readFile(file)).byteLength };
}

/** A tsx child that prints one line when ready and stops when its stdin closes. */
async function startHelper(script: string, args: string[] = []): Promise<{ line: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const line = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
  });
  return {
    line,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

interface ListRun {
  ms: number;
  /** CPU the process had used when tools/list was answered. */
  cpu: number;
  rssKiB: number;
  listBytes: number;
  /** The tools/list result's tools. */
  tools: { name: string; outputSchema?: unknown }[];
}

async function listOnce(file: string, args: string[], env: Record<string, string>): Promise<ListRun> {
  const started = now();
  const rpc = spawnRpc({ file, args, env });
  const list = await handshake(rpc);
  const ms = now() - started;
  const cpu = await cpuMs(rpc.child.pid, procFs);
  const rssKiB = await peakRssKiB(rpc.child.pid, readText);
  await rpc.close();
  const result = list.msg.result as { tools: ListRun['tools'] };
  return { ms, cpu, rssKiB, listBytes: Buffer.byteLength(JSON.stringify(result)), tools: result.tools };
}

/**
 * What an MCP SDK client spends on tools/list compiling every outputSchema (Client.listTools →
 * cacheToolOutputSchemas → AjvJsonSchemaValidator.getValidator): ms per run, a fresh validator each
 * time; the first run includes Ajv's own start.
 */
function outputSchemaCompileMs(tools: ListRun['tools'], runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = now();
    const validator = new AjvJsonSchemaValidator();
    for (const tool of tools)
      if (tool.outputSchema !== undefined) validator.getValidator(tool.outputSchema as JsonSchemaType);
    out.push(now() - started);
  }
  return out;
}

async function firstResult(rpc: StdioRpc): Promise<void> {
  await handshake(rpc);
  const answer = await rpc.call('tools/call', PROFILE_CALL);
  const result = answer.msg.result as { isError?: boolean } | undefined;
  if (result === undefined || result.isError === true) throw new Error(`bench call failed: ${answer.line}`);
}

/** spawn → initialize → tools/list → tools/call get_my_profile → its result (wall ms, CPU ms then). */
async function firstCallOnce(file: string, env: Record<string, string>): Promise<{ ms: number; cpu: number }> {
  const started = now();
  const rpc = spawnRpc({ file, env });
  await firstResult(rpc);
  const ms = now() - started;
  const cpu = await cpuMs(rpc.child.pid, procFs);
  await rpc.close();
  return { ms, cpu };
}

/** `count` servers spawned at once; ms until every one has done `work`. */
async function crowdOnce(count: number, start: () => StdioRpc, work: (rpc: StdioRpc) => Promise<void>) {
  const started = now();
  const rpcs = Array.from({ length: count }, start);
  await Promise.all(rpcs.map(work));
  const ms = now() - started;
  await Promise.all(rpcs.map((r) => r.close()));
  return ms;
}

function rawGet(url: string, token: string, ca: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = now();
    const req = request(url, { headers: { authorization: `Bearer ${token}` }, ca, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(now() - started));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Round trips of one tools/call-sized JSON line through the echo process. */
async function echoRoundTrips(path: string, count: number): Promise<number[]> {
  const socket = connect(path);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.setEncoding('utf8');
  const line = `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: PROFILE_CALL })}\n`;
  const samples: number[] = [];
  let buffer = '';
  let answered: (() => void) | undefined;
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    if (buffer.includes('\n')) {
      buffer = '';
      answered?.();
    }
  });
  for (let i = 0; i < count; i++) {
    const started = now();
    await new Promise<void>((resolve) => {
      answered = resolve;
      socket.write(line);
    });
    samples.push(now() - started);
  }
  socket.destroy();
  return samples.slice(EARLY_CALLS);
}

type Memory = Record<'rss' | 'heapTotal' | 'heapUsed' | 'external' | 'arrayBuffers', number> & {
  /** V8's heap spaces: bytes reserved and used (memory-probe.mjs). */
  spaces: Record<string, { size: number; used: number }>;
  /** heapUsed after a full collection, only with BENCH_GC=1. */
  liveHeap?: number;
};

function memoryOf(rpc: StdioRpc): () => Promise<Memory> {
  let waiting: ((m: Memory) => void) | undefined;
  rpc.onStderrLine((line) => {
    const m = /^graph-bridge-bench-memory (.*)$/.exec(line);
    if (m?.[1] !== undefined) waiting?.(JSON.parse(m[1]) as Memory);
  });
  return () =>
    new Promise((resolve) => {
      waiting = resolve;
      rpc.child.kill('SIGUSR2');
    });
}

interface Steady {
  bridge: number[];
  raw: number[];
  early: Memory;
  late: Memory;
}

/** CALLS get_my_profile calls, each followed by the same GET sent directly; memory after 10 and after all. */
async function steadyCalls(file: string, services: ServicesInfo): Promise<Steady> {
  const rpc = spawnRpc({
    file,
    env: services.env,
    nodeArgs: ['--import', join(ROOT, 'test/bench/fixtures/memory-probe.mjs')],
  });
  const memory = memoryOf(rpc);
  await handshake(rpc);
  const agent = new Agent({ keepAlive: true });
  const url = `${services.graphOrigin}/v1.0/me?${PROFILE_URL_QUERY}`;
  const bridge: number[] = [];
  const raw: number[] = [];
  let early: Memory | undefined;
  for (let i = 1; i <= CALLS; i++) {
    const started = now();
    const answer = await rpc.call('tools/call', PROFILE_CALL);
    const ms = now() - started;
    if ((answer.msg.result as { isError?: boolean }).isError) throw new Error(`bench call failed: ${answer.line}`);
    const rawMs = await rawGet(url, services.token, services.caPem, agent);
    if (i > EARLY_CALLS) {
      bridge.push(ms);
      raw.push(rawMs);
    }
    if (i === EARLY_CALLS) early = await memory();
  }
  const late = await memory();
  agent.destroy();
  await rpc.close();
  if (early === undefined) throw new Error('BENCH_CALLS must be above 10');
  return { bridge, raw, early, late };
}

const mib = (bytes: number): string => (bytes / 1048576).toFixed(1);
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');

const bytesText = (bytes: number): string => `${bytes.toLocaleString('en-US')} bytes`;
const toolsText = (n: number): string => `${n} tool${n === 1 ? '' : 's'}`;
const goalText = (bytes: number): string => `goal ≤ ${bytes / 1000} KB`;

/** tools/list as an MCP SDK Client receives it, and what listTools() costs the Client. */
function catalogRows(c: ClientCatalogFigures): [string, string, string][] {
  const { listMs } = c;
  return [
    ...c.groups.map((g): [string, string, string] => [
      `tools/list via SDK Client, --tools ${g.group} (${toolsText(g.tools)})`,
      bytesText(g.bytes),
      '',
    ]),
    [
      `tools/list via SDK Client, default groups (${toolsText(c.defaults.tools)})`,
      bytesText(c.defaults.bytes),
      goalText(CATALOG_BUDGET.defaultGroupsBytes),
    ],
    [
      `tools/list via SDK Client, all groups (${toolsText(c.all.tools)})`,
      `${bytesText(c.all.bytes)} (outputSchemas ${bytesText(c.all.outputSchemaBytes)})`,
      goalText(CATALOG_BUDGET.allGroupsBytes),
    ],
    [`largest tool (${c.largest.name})`, bytesText(c.largest.bytes), goalText(CATALOG_BUDGET.toolBytes)],
    [
      `client.listTools() all groups, median of ${listMs.rounds} (${listMs.outputSchemas} outputSchemas / stripped)`,
      `${listMs.withOutputSchemas.toFixed(1)} ms / ${listMs.stripped.toFixed(1)} ms = +${(listMs.withOutputSchemas - listMs.stripped).toFixed(1)} ms in the client`,
      '',
    ],
    ['first client.listTools() in this process (Ajv cold, with outputSchemas)', `${c.firstListMs.toFixed(1)} ms`, ''],
  ];
}

/**
 * V8's heap spaces at both marks (reserved, used): a grown young generation (new_space), old-space
 * garbage a full collection has not yet reclaimed and JIT code are heap sizing, not retention;
 * BENCH_GC=1 adds the heap still used after a full collection (what is really retained).
 */
function memorySpaces({ early, late }: Steady): void {
  process.stdout.write('V8 heap spaces, reserved (used) in MiB:\n');
  for (const name of Object.keys(late.spaces)) {
    const at = (m: Memory): string => {
      const s = m.spaces[name];
      return s === undefined ? '—' : `${mib(s.size)} (${mib(s.used)})`;
    };
    process.stdout.write(`  ${name.padEnd(24)} ${at(early).padStart(13)} → ${at(late)}\n`);
  }
  if (early.liveHeap !== undefined && late.liveHeap !== undefined)
    process.stdout.write(
      `  heap used after a full GC (BENCH_GC=1)  ${mib(early.liveHeap)} → ${mib(late.liveHeap)}  (+${mib(late.liveHeap - early.liveHeap)})\n`,
    );
}

function table(rows: [string, string, string][]): void {
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  for (const [figure, measured, goal] of rows)
    process.stdout.write(`${figure.padEnd(w0)}  ${measured.padEnd(w1)}  ${goal}\n`);
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gb-bench-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    await writeFile(join(dir, 'package.json'), '{"type":"commonjs"}\n');
    const { file: bridgeFile, bytes: bridgeBytes } = await bridgeUnderTest(join(dir, 'bridge-dist'));
    const baseFile = join(dir, 'one-tool.js');
    const baseBytes = await bundle('test/bench/fixtures/one-tool-server.ts', baseFile);
    const servicesHelper = await startHelper('test/bench/fixtures/services.ts');
    stops.push(servicesHelper.stop);
    const services = JSON.parse(servicesHelper.line) as ServicesInfo;
    const echoPath = join(dir, 'echo.sock');
    stops.push((await startHelper('test/bench/fixtures/json-echo.ts', [echoPath])).stop);
    // The handshake alone: a home without a broker whose settings enable every group.
    const noBroker = { GRAPH_BRIDGE_HOME: join(dir, 'nobroker') };
    await mkdir(join(dir, 'nobroker', 'config'), { recursive: true });
    await writeFile(
      join(dir, 'nobroker', 'config', 'settings.json'),
      `${JSON.stringify({ toolGroups: TOOL_GROUPS })}\n`,
    );

    // Warm-up: the file cache, and the bridge's code cache (written by a first start that called a tool).
    await listOnce(baseFile, [], {});
    await listOnce(bridgeFile, [], noBroker);
    await firstCallOnce(bridgeFile, services.env);
    await firstCallOnce(bridgeFile, services.env);

    const base: ListRun[] = [];
    const list: ListRun[] = [];
    const firstRuns: { ms: number; cpu: number }[] = [];
    const coldRuns: { ms: number; cpu: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      base.push(await listOnce(baseFile, [], {}));
      list.push(await listOnce(bridgeFile, [], noBroker));
      firstRuns.push(await firstCallOnce(bridgeFile, services.env));
      if (i < 3) {
        // A first start after an install or update: no code cache yet (a fresh one is written).
        await rm(join(services.home, 'cache'), { recursive: true, force: true });
        coldRuns.push(await firstCallOnce(bridgeFile, services.env));
      }
    }
    const all = await listOnce(bridgeFile, ['--tools', 'all'], noBroker);
    const withOutput = all.tools.filter((t) => t.outputSchema !== undefined).length;
    const compile = outputSchemaCompileMs(all.tools, RUNS + 1);
    const catalog = await measureClientCatalog({
      bridgeFile,
      home: noBroker.GRAPH_BRIDGE_HOME,
      groups: TOOL_GROUPS,
      defaultGroups: DEFAULT_TOOL_GROUPS,
      rounds: RUNS,
    });

    const crowdBase: number[] = [];
    const crowdBridge: number[] = [];
    for (let i = 0; i < CROWD_ROUNDS; i++) {
      crowdBase.push(
        await crowdOnce(
          CROWD,
          () => spawnRpc({ file: baseFile }),
          (rpc) => handshake(rpc).then(() => undefined),
        ),
      );
      crowdBridge.push(await crowdOnce(CROWD, () => spawnRpc({ file: bridgeFile, env: services.env }), firstResult));
    }

    const echo = await echoRoundTrips(echoPath, CALLS);
    const steady = await steadyCalls(bridgeFile, services);

    const first = firstRuns.map((r) => r.ms);
    const cold = coldRuns.map((r) => r.ms);
    const baseMs = base.map((r) => r.ms);
    const oneTool = median(baseMs);
    const listMs = median(list.map((r) => r.ms));
    const firstMs = median(first);
    const bRss = median(list.map((r) => r.rssKiB)) / 1024;
    const oRss = median(base.map((r) => r.rssKiB)) / 1024;
    const crowdRatio = median(crowdBridge) / median(crowdBase);
    const overhead = median(steady.bridge) - median(steady.raw);
    const growth = steady.late.rss - steady.early.rss;
    const n = `median of ${RUNS} [min–max]`;
    process.stdout.write(
      `bridge ${(bridgeBytes / 1024).toFixed(0)} KiB${process.env.BENCH_BRIDGE ? ` (${bridgeFile})` : ''}; one-tool SDK server ${(baseBytes / 1024).toFixed(0)} KiB\n\n`,
    );
    table([
      ['baseline: one-tool SDK server spawn → tools/list', `${spread(baseMs)}`, n],
      ['baseline: 10 one-tool servers at once, until all listed', `${spread(crowdBase)}`, `${CROWD_ROUNDS} rounds`],
      ['baseline: raw HTTPS GET /me, same token, keep-alive', `${iqr(steady.raw)}`, `${steady.raw.length} GETs`],
      ['baseline: Unix-socket JSON echo round trip', `${iqr(echo)}`, `${echo.length} round trips`],
    ]);
    process.stdout.write('\n');
    table([
      [
        'spawn → tools/list',
        `${spread(list.map((r) => r.ms))} = ${ratio(listMs, oneTool)}`,
        `goal ≤ 0.80× one-tool: ${verdict(listMs / oneTool <= 0.8)}`,
      ],
      [
        '  CPU used by then (bridge / one-tool)',
        `${spread(list.map((r) => r.cpu))} / ${spread(base.map((r) => r.cpu))}`,
        '',
      ],
      [
        'peak RSS after tools/list',
        `${bRss.toFixed(1)} MiB vs ${oRss.toFixed(1)} MiB = ${bRss >= oRss ? '+' : ''}${(bRss - oRss).toFixed(1)} MiB`,
        `goal ≤ +10 MiB: ${verdict(bRss - oRss <= 10)}`,
      ],
      [
        `  client compiles ${withOutput} outputSchemas of ${all.tools.length} tools`,
        `${spread(compile.slice(1))}; first ${compile[0]!.toFixed(1)} ms`,
        '(reported; keep outputSchema only where a client gains)',
      ],
      [
        'spawn → first get_my_profile result',
        `${spread(first)} = ${ratio(firstMs, oneTool)}`,
        `goal ≤ 1.00× one-tool spawn → tools/list: ${verdict(firstMs / oneTool <= 1)}`,
      ],
      [
        '  the same, cold (no code cache yet)',
        `${spread(cold)} = ${ratio(median(cold), oneTool)}`,
        '(first start after an install)',
      ],
      [
        '  CPU used by then (bridge / one-tool at tools/list)',
        `${spread(firstRuns.map((r) => r.cpu))} / ${spread(base.map((r) => r.cpu))}`,
        `= ${ratio(median(firstRuns.map((r) => r.cpu)), median(base.map((r) => r.cpu)))}; cold: ${spread(coldRuns.map((r) => r.cpu))}`,
      ],
      [
        '10 editors at once, until all 10 have that result',
        `${spread(crowdBridge)} = ${crowdRatio.toFixed(2)}×`,
        `goal ≤ 2.00× 10 one-tool servers: ${verdict(crowdRatio <= 2)}`,
      ],
      [
        'per-call overhead p50 (get_my_profile − raw GET)',
        `${overhead.toFixed(2)} ms = ${(overhead / median(echo)).toFixed(1)}× an echo round trip`,
        `goal ≤ 1.5 ms: ${verdict(overhead <= 1.5)}`,
      ],
      ['  get_my_profile through the bridge', iqr(steady.bridge), `${steady.bridge.length} calls`],
      [
        `RSS after ${CALLS} calls − after ${EARLY_CALLS}`,
        `${mib(steady.late.rss)} − ${mib(steady.early.rss)} = ${growth >= 0 ? '+' : ''}${mib(growth)} MiB`,
        `goal ≤ +16 MiB: ${verdict(growth <= 16 * 1048576)}`,
      ],
    ]);
    process.stdout.write('\ntools/list through an MCP SDK Client (issue #12; KB = 1,000 bytes):\n');
    table(catalogRows(catalog));
    process.stdout.write(`\nprocess.memoryUsage() after ${EARLY_CALLS} → ${CALLS} calls (MiB):\n`);
    for (const key of ['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers'] as const) {
      const d = steady.late[key] - steady.early[key];
      process.stdout.write(
        `  ${key.padEnd(12)} ${mib(steady.early[key]).padStart(6)} → ${mib(steady.late[key]).padStart(6)}  (${d >= 0 ? '+' : ''}${mib(d)})\n`,
      );
    }
    const outside = (m: Memory): number => m.rss - m.heapTotal - m.external;
    process.stdout.write(
      `  ${'rss − heapTotal − external (native: malloc, code, stacks)'} ${mib(outside(steady.early))} → ${mib(outside(steady.late))}\n`,
    );
    memorySpaces(steady);
  } finally {
    for (const stop of stops.reverse()) await stop();
    await rm(dir, { recursive: true, force: true });
  }
}
