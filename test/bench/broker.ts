/**
 * Broker benchmarks (printed, never asserted):
 *  - token.get over IPC with a cached token: p50/p99 (goal p50 <= 1 ms, p99 <= 5 ms), real AuthService
 *    signed in to the emulator, in-process broker, one connection, sequential calls;
 *  - agent RSS: the `graph-bridge agent` process (dist/cli.js when built, else tsx) idle after
 *    sign-in, and with 10 connected clients that each fetched a token.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../emulator/index.ts';
import { startTestBroker, writeEmulatorSettings } from '../helpers/broker.ts';
import { connectRpc } from '../../app/shared/rpc-client.ts';
import type { RpcClient } from '../../app/shared/rpc-client.ts';
import { PROTOCOL_VERSION } from '../../app/shared/constants.ts';
import { resolveBrokerEndpoint } from '../../app/shared/endpoint.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function hello(path: string, keyPath: string, name: string): Promise<RpcClient> {
  const c = await connectRpc(path);
  await c.call('hello', {
    protocolVersion: PROTOCOL_VERSION,
    key: (await readFile(keyPath, 'utf8')).trim(),
    client: { name, version: '1', pid: process.pid },
  });
  return c;
}

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function tokenLatency(): Promise<void> {
  const emulator = await startEmulator();
  const tb = await startTestBroker({ emulator, clientPolicy: 'allow' });
  try {
    const c = await hello(tb.endpoint.path, tb.endpoint.keyPath, 'bench');
    for (let i = 0; i < 200; i++) await c.call('token.get', { scopes: ['User.Read'] });
    const samples: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const t0 = process.hrtime.bigint();
      await c.call('token.get', { scopes: ['User.Read'] });
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    samples.sort((a, b) => a - b);
    console.log(
      `token.get over IPC, cached token (${samples.length} calls, cache ${tb.broker.status().cache.backend}):`,
    );
    console.log(
      `  p50 ${pct(samples, 50).toFixed(3)} ms (goal <= 1 ms)   p99 ${pct(samples, 99).toFixed(3)} ms (goal <= 5 ms)   max ${samples.at(-1)?.toFixed(3)} ms`,
    );
    c.close();
  } finally {
    await tb.stop();
    await emulator.close();
  }
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function agentRss(): Promise<void> {
  if (!existsSync('/proc/self/status')) return console.log('agent RSS: skipped (needs /proc)');
  const emulator = await startEmulator();
  emulator.control.settings({ deviceInterval: 1 });
  const home = await mkdtemp(join(tmpdir(), 'gb-bench-'));
  await writeEmulatorSettings(home, emulator, { approvalPolicy: { clients: 'allow' } });
  const bundle = join(ROOT, 'dist/cli.js');
  const args = existsSync(bundle)
    ? [bundle, 'agent', '--device-code']
    : ['--import', 'tsx', join(ROOT, 'app/cli/main.ts'), 'agent', '--device-code'];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, GRAPH_BRIDGE_HOME: home } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', () => undefined);
  const waitFor = async (re: RegExp): Promise<RegExpExecArray> => {
    for (let i = 0; i < 1200; i++) {
      const m = re.exec(out);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`agent did not print ${re}: ${out}`);
  };
  try {
    const code = await waitFor(/Code: (\S+)/);
    emulator.control.device(code[1] ?? '', 'approve');
    await waitFor(/Signed in as/);
    await new Promise((r) => setTimeout(r, 1000));
    const pid = child.pid ?? 0;
    const idle = await rssMiB(pid);
    const ep = resolveBrokerEndpoint({
      platform: 'linux',
      env: { GRAPH_BRIDGE_HOME: home },
      homedir: home,
      username: 'x',
    });
    const clients = await Promise.all(Array.from({ length: 10 }, (_, i) => hello(ep.path, ep.keyPath, `bench-${i}`)));
    for (let round = 0; round < 20; round++)
      await Promise.all(clients.map((c) => c.call('token.get', { scopes: ['User.Read'] })));
    const busy = await rssMiB(pid);
    console.log(
      `agent RSS (${existsSync(bundle) ? 'dist/cli.js' : 'tsx source'}): idle ${idle.toFixed(1)} MiB, with 10 clients ${busy.toFixed(1)} MiB`,
    );
    for (const c of clients) c.close();
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('close', r));
    await emulator.close();
    await rm(home, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  await tokenLatency();
  await agentRss();
}
