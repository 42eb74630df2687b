/**
 * Bridge benchmark (printed, never asserted). The bridge is built exactly as the product is
 * (build/build.mjs: one minified CommonJS file with the fast-start manifest and the embedded full
 * server); the one-tool baseline is bundled with the same esbuild options (CJS, node20, minified).
 * Both are measured in the same run:
 *   - spawn -> initialize -> tools/list wall time, median of N, vs a one-tool SDK server (goal ≤ 0.8×)
 *   - peak RSS (VmHWM) after tools/list (goal ≤ +10 MiB over the one-tool server)
 *   - tools/list bytes through an MCP SDK Client (issue #12): per group, the default groups (goal
 *     ≤ 40 KB), all groups (goal ≤ 64 KB), the largest tool (goal ≤ 2.5 KB); KB = 1,000 bytes
 *   - client.listTools() time with every outputSchema (the SDK compiles each with Ajv, issue #13) vs
 *     the same answer with the outputSchemas stripped before the Client sees it
 *   - per-call overhead: get_my_profile through bridge+broker vs a direct HTTPS GET /me with the
 *     same token and keep-alive (goal ≤ 3 ms p50). Real broker + emulator.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { startTestBroker } from '../helpers/broker.ts';
import { startEmulator } from '../helpers/emulator.ts';
import { TOOL_GROUPS, DEFAULT_TOOL_GROUPS } from '../../app/shared/tool-groups.ts';
import { measureClientCatalog, type ClientCatalogFigures } from '../tool-catalog/measure-client.ts';
import { CATALOG_BUDGET } from '../tool-catalog/sizes.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const CALLS = Number(process.env.BENCH_CALLS ?? 60);

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
    define: { 'import.meta.url': '__gbImportMetaUrl' },
    banner: { js: "const __gbImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  return (await readFile(outfile)).byteLength;
}

/** The bridge, by the product's own build script (into `outdir`, not dist/). */
async function buildBridge(outdir: string): Promise<{ file: string; bytes: number }> {
  await promisify(execFile)(process.execPath, [join(ROOT, 'build/build.mjs'), '--only=bridge', `--outdir=${outdir}`]);
  const file = join(outdir, 'bridge.js');
  return { file, bytes: (await readFile(file)).byteLength };
}

interface Rpc {
  child: ChildProcessWithoutNullStreams;
  call(method: string, params: unknown): Promise<{ line: string; msg: { result?: unknown; error?: unknown } }>;
  notify(method: string): void;
  close(): Promise<void>;
}

function startRpc(file: string, args: string[], env: Record<string, string>): Rpc {
  const child = spawn(process.execPath, [file, ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let buffer = '';
  let nextId = 1;
  const waiting = new Map<number, (line: string) => void>();
  child.stderr.resume();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let nl = buffer.indexOf('\n');
    while (nl !== -1) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      const id = (JSON.parse(line) as { id?: number }).id;
      if (typeof id === 'number') waiting.get(id)?.(line);
      nl = buffer.indexOf('\n');
    }
  });
  return {
    child,
    call(method, params) {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, (line) => resolve({ line, msg: JSON.parse(line) as { result?: unknown } }));
        child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
      });
    },
    notify(method) {
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method })}\n`);
    },
    close() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin.end();
      setTimeout(() => child.kill(), 2000).unref();
      return exited;
    },
  };
}

const INIT = { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } };

async function peakRssKiB(pid: number | undefined): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

async function startupOnce(file: string, args: string[], env: Record<string, string>) {
  const started = performance.now();
  const rpc = startRpc(file, args, env);
  await rpc.call('initialize', INIT);
  rpc.notify('notifications/initialized');
  await rpc.call('tools/list', {});
  const ms = performance.now() - started;
  const rss = await peakRssKiB(rpc.child.pid);
  await rpc.close();
  return { ms, rss };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function directGet(url: string, token: string, ca: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { headers: { authorization: `Bearer ${token}` }, ca, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - started));
    });
    req.on('error', reject);
    req.end();
  });
}

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

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gb-bench-'));
  const emulator = await startEmulator();
  const broker = await startTestBroker({ emulator });
  try {
    await writeFile(join(dir, 'package.json'), '{"type":"commonjs"}\n');
    const { file: bridgeFile, bytes: bridgeBytes } = await buildBridge(join(dir, 'bridge-dist'));
    const baseFile = join(dir, 'one-tool.js');
    const baseBytes = await bundle('test/bench/fixtures/one-tool-server.ts', baseFile);
    const noBroker = { GRAPH_BRIDGE_HOME: join(dir, 'nobroker') };
    // The bridge lists the settings' groups ∩ its flags: enable every group so "all" means all.
    await mkdir(join(dir, 'nobroker', 'config'), { recursive: true });
    await writeFile(
      join(dir, 'nobroker', 'config', 'settings.json'),
      `${JSON.stringify({ toolGroups: [...TOOL_GROUPS] })}\n`,
    );

    const bridge: { ms: number; rss: number }[] = [];
    const base: { ms: number; rss: number }[] = [];
    await startupOnce(bridgeFile, [], noBroker); // warm the file cache
    await startupOnce(baseFile, [], {});
    for (let i = 0; i < RUNS; i++) {
      bridge.push(await startupOnce(bridgeFile, [], noBroker));
      base.push(await startupOnce(baseFile, [], {}));
    }
    const catalog = await measureClientCatalog({
      bridgeFile,
      home: noBroker.GRAPH_BRIDGE_HOME,
      groups: TOOL_GROUPS,
      defaultGroups: DEFAULT_TOOL_GROUPS,
      rounds: RUNS,
    });

    // Per-call overhead against the real broker + emulator.
    const env = { ...broker.env };
    const rpc = startRpc(bridgeFile, [], env);
    await rpc.call('initialize', INIT);
    rpc.notify('notifications/initialized');
    const callTimes: number[] = [];
    let firstCallMs = NaN;
    for (let i = 0; i < CALLS + 5; i++) {
      const t0 = performance.now();
      const r = await rpc.call('tools/call', { name: 'get_my_profile', arguments: {} });
      if ((r.msg.result as { isError?: boolean } | undefined)?.isError) throw new Error(`bench call failed: ${r.line}`);
      // The first call pays what the fast start deferred (compiling the full server) plus the broker
      // hello and the first token: shown so the deferred cost stays visible.
      if (i === 0) firstCallMs = performance.now() - t0;
      if (i >= 5) callTimes.push(performance.now() - t0);
    }
    const bridgeRssAfterCalls = await peakRssKiB(rpc.child.pid);
    await rpc.close();
    const token = await broker.auth.getToken({ scopes: ['User.Read'] });
    if (!token.ok) throw new Error(`token: ${token.error.message}`);
    const url = `${emulator.graphOrigin}/v1.0/me?$select=id%2CdisplayName%2CgivenName%2Csurname%2Cmail%2CuserPrincipalName%2CjobTitle%2Cdepartment%2CofficeLocation%2CmobilePhone%2CbusinessPhones%2CpreferredLanguage`;
    const agent = new Agent({ keepAlive: true });
    const directTimes: number[] = [];
    for (let i = 0; i < CALLS + 5; i++) {
      const ms = await directGet(url, token.value.accessToken, emulator.caPem, agent);
      if (i >= 5) directTimes.push(ms);
    }
    agent.destroy();

    const bMs = median(bridge.map((x) => x.ms));
    const oMs = median(base.map((x) => x.ms));
    const bRss = median(bridge.map((x) => x.rss)) / 1024;
    const oRss = median(base.map((x) => x.rss)) / 1024;
    const overhead = median(callTimes) - median(directTimes);
    const rows: [string, string, string][] = [
      [
        'bundle size (bridge / one-tool)',
        `${(bridgeBytes / 1024).toFixed(0)} KiB / ${(baseBytes / 1024).toFixed(0)} KiB`,
        '',
      ],
      [
        `spawn→tools/list median of ${RUNS} (bridge / one-tool)`,
        `${bMs.toFixed(1)} ms / ${oMs.toFixed(1)} ms = ${(bMs / oMs).toFixed(2)}×`,
        'goal ≤ 0.80×',
      ],
      [
        'peak RSS after tools/list (bridge / one-tool)',
        `${bRss.toFixed(1)} MiB / ${oRss.toFixed(1)} MiB = ${bRss >= oRss ? '+' : ''}${(bRss - oRss).toFixed(1)} MiB`,
        'goal ≤ +10 MiB',
      ],
      ['peak RSS after calls (bridge, Graph client loaded)', `${(bridgeRssAfterCalls / 1024).toFixed(1)} MiB`, ''],
      ...catalogRows(catalog),
      [
        `get_my_profile p50 of ${CALLS} (bridge / direct HTTPS)`,
        `${median(callTimes).toFixed(2)} ms / ${median(directTimes).toFixed(2)} ms`,
        '',
      ],
      ['per-call overhead p50', `${overhead.toFixed(2)} ms`, 'goal ≤ 3 ms'],
      ['first tools/call (full server compiled, broker hello, first token)', `${firstCallMs.toFixed(1)} ms`, ''],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    for (const [k, v, goal] of rows) process.stdout.write(`${k.padEnd(w)}  ${v}${goal ? `   (${goal})` : ''}\n`);
  } finally {
    await broker.stop();
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}
