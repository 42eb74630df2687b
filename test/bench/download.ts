/**
 * Download benchmark (printed, never asserted), issue #13: read_file of a 50 MiB OneDrive file through
 * the bundled bridge (a real broker, the emulator's /content → 302 → download host), against a plain
 * streaming HTTPS download of the same bytes (a Node process: https.get → pipe → file) measured in
 * the same run, interleaved so machine load hits both alike.
 *   - wall: the tool call as the MCP client sees it (metadata GET, /content, redirect, body → file)
 *     vs the baseline's GET → file, both ratios of medians          goal ≤ 1.5×
 *   - the bridge's peak RSS growth during the call: VmHWM after it minus VmRSS before it, the peak
 *     mark reset first where Linux allows it (/proc/<pid>/clear_refs)   goal ≤ 32 MiB (the largest run)
 *     Each run uses a fresh bridge warmed by a small read_file: a bridge that downloaded before keeps
 *     the memory it grew to, and a second download then shows no growth at all.
 *
 *   npm run bench -- download         BENCH_DOWNLOAD_RUNS=5 BENCH_BRIDGE=/x/bridge.js …
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { startEmulator } from '../helpers/emulator.ts';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { bridgeEnv, resultText, startBridgeClient } from '../helpers/mcp-client.ts';
import { median, spread } from './lib/stats.ts';

const SIZE = 50 * 1024 * 1024;
const RUNS = Number(process.env.BENCH_DOWNLOAD_RUNS ?? 5);

/** The baseline: a plain streaming download in a process of its own; prints its ms and peak RSS growth. */
const PLAIN_DOWNLOAD = `
const { request } = require('node:https');
const { createWriteStream } = require('node:fs');
const { pipeline } = require('node:stream/promises');
const [url, out] = process.argv.slice(1);
const before = process.memoryUsage().rss;
const started = performance.now();
request(url, (res) => {
  pipeline(res, createWriteStream(out)).then(() => {
    const status = require('node:fs').readFileSync('/proc/self/status', 'utf8');
    const hwm = Number(/VmHWM:\\s+(\\d+)/.exec(status)?.[1] ?? NaN) * 1024;
    process.stdout.write(JSON.stringify({ ms: performance.now() - started, growth: hwm - before, status: res.statusCode }));
  });
}).end();
`;

function httpsText(url: string, token: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { authorization: `Bearer ${token}` }, ca }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve(text));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

async function memKiB(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
}

/** Resets the peak-RSS mark (Linux ≥ 4.0, own processes); false when not possible. */
async function resetPeak(pid: number): Promise<boolean> {
  return writeFile(`/proc/${pid}/clear_refs`, '5').then(
    () => true,
    () => false,
  );
}

function plainDownload(url: string, out: string, caPath: string): Promise<{ ms: number; growth: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', PLAIN_DOWNLOAD, url, out], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caPath },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', () => {
      try {
        const r = JSON.parse(text) as { ms: number; growth: number; status: number };
        if (r.status !== 200) throw new Error(`baseline download answered ${r.status}`);
        resolve(r);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  });
}

interface Bridge {
  pid: number;
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** dist/bridge.js over stdio with the MCP SDK Client, or the bridge.js BENCH_BRIDGE names (to compare builds). */
async function startBridge(options: { home: string; caPath: string; env: Record<string, string> }): Promise<Bridge> {
  const other = process.env.BENCH_BRIDGE;
  if (!other) {
    const b = await startBridgeClient({
      ...options,
      entry: 'dist',
      clientName: 'bench-download',
      args: ['--tools', 'files'],
    });
    return { pid: b.transport.pid ?? 0, call: (n, a) => b.call(n, a), close: () => b.close() };
  }
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [other, '--tools', 'files'],
    env: bridgeEnv(options),
    stderr: 'ignore',
  });
  const client = new Client({ name: 'bench-download', version: '1.0.0' });
  await client.connect(transport);
  return {
    pid: transport.pid ?? 0,
    call: async (name, args) =>
      (await client.callTool({ name, arguments: args }, undefined, { timeout: 600_000 })) as CallToolResult,
    close: () => client.close(),
  };
}

export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gb-bench-download-'));
  const emulator = await startEmulator();
  const adele = emulator.users.find((u) => u.upn.startsWith('adele'));
  if (adele) emulator.control.setGrant(adele.oid, emulator.clientId, [...GROUP_SCOPES.files.write]);
  const broker = await startTestBroker({ emulator, settings: { uploadFolders: [dir] } });
  const downloads = join(dir, 'downloads');
  const bridge = await startBridge({
    home: broker.home,
    caPath: emulator.caPath,
    env: { GRAPH_BRIDGE_DOWNLOAD_DIR: downloads },
  });
  try {
    const big = join(dir, 'big.bin');
    await writeFile(big, randomBytes(SIZE));
    const up = await bridge.call('upload_file', { path: 'Bench/big.bin', localPath: big });
    if (up.isError) throw new Error(`seeding the 50 MiB file failed: ${resultText(up)}`);
    // The same bytes on the download host, for the baseline: a reusable pre-authenticated URL.
    const token = await broker.auth.getToken({ scopes: ['Files.Read'] });
    if (!token.ok) throw new Error(`token: ${token.error.message}`);
    const meta = JSON.parse(
      await httpsText(
        `${emulator.graphOrigin}/v1.0/me/drive/root:/Bench/big.bin`,
        token.value.accessToken,
        emulator.caPem,
      ),
    ) as { '@microsoft.graph.downloadUrl'?: string };
    const url = meta['@microsoft.graph.downloadUrl'];
    if (!url) throw new Error('no download URL for the baseline');

    const bridgeMs: number[] = [];
    const growth: number[] = [];
    const held: number[] = [];
    const plainMs: number[] = [];
    const plainGrowth: number[] = [];
    let exact = true;
    for (let i = 0; i < RUNS; i++) {
      const plain = await plainDownload(url, join(dir, `plain-${i}.bin`), emulator.caPath);
      plainMs.push(plain.ms);
      plainGrowth.push(plain.growth / 1048576);
      await rm(join(dir, `plain-${i}.bin`));

      // A fresh bridge whose code paths are warm (a small read_file), as an editor's would be.
      const fresh = await startBridge({
        home: broker.home,
        caPath: emulator.caPath,
        env: { GRAPH_BRIDGE_DOWNLOAD_DIR: downloads },
      });
      try {
        const warm = await fresh.call('read_file', { path: 'Notes/todo.txt' });
        if (warm.isError) throw new Error(`read_file failed: ${resultText(warm)}`);
        const { pid } = fresh;
        exact = (await resetPeak(pid)) && exact;
        const before = await memKiB(pid, 'VmRSS');
        const started = performance.now();
        const r = await fresh.call('read_file', { path: 'Bench/big.bin' });
        bridgeMs.push(performance.now() - started);
        if (r.isError) throw new Error(`read_file failed: ${resultText(r)}`);
        growth.push(((await memKiB(pid, 'VmHWM')) - before) / 1024);
        held.push(((await memKiB(pid, 'VmRSS')) - before) / 1024);
        // read_file answers text: "… saved to <path>" (no structured copy since #12).
        const saved = /saved to (.+)$/.exec(resultText(r))?.[1];
        if (!saved || (await stat(saved)).size !== SIZE) throw new Error('read_file saved the wrong size');
        await rm(saved);
      } finally {
        await fresh.close();
      }
    }
    const wallRatio = median(bridgeMs) / median(plainMs);
    const peak = Math.max(...growth);
    const rows: [string, string, string][] = [
      ['baseline: plain streaming HTTPS download, 50 MiB → file', spread(plainMs), `${RUNS} runs`],
      ['  its peak RSS growth', spread(plainGrowth, 'MiB'), ''],
      [
        'read_file 50 MiB (metadata, /content → 302 → host → file)',
        `${spread(bridgeMs)} = ${wallRatio.toFixed(2)}×`,
        `goal ≤ 1.50× plain download: ${wallRatio <= 1.5 ? 'met' : 'MISSED'}`,
      ],
      [
        `  bridge peak RSS growth during it${exact ? '' : ' (peak not resettable: upper bound)'}`,
        `${spread(growth, 'MiB')}`,
        `goal ≤ 32 MiB: ${peak <= 32 ? 'met' : 'MISSED'}`,
      ],
      ['  RSS still held after it', spread(held, 'MiB'), ''],
    ];
    const w0 = Math.max(...rows.map((x) => x[0].length));
    const w1 = Math.max(...rows.map((x) => x[1].length));
    for (const [k, v, goal] of rows) process.stdout.write(`${k.padEnd(w0)}  ${v.padEnd(w1)}  ${goal}\n`);
  } finally {
    await bridge.close();
    await broker.stop();
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}
