/**
 * CLI start-up benchmarks (printed, never asserted; goal <= 300 ms wall time per command, node's own
 * start included): `node dist/cli.js --version | --help | status | connect --list`, `status` again
 * with a running `graph-bridge agent` (the admin-channel path), `node -e 0` as the floor, and
 * `npx graph-bridge --help` for comparison (why the README installs the command on PATH instead).
 * Each figure: min / median / max of RUNS runs after one warm-up. Every run has a fresh-process cold
 * start; the home is a throwaway GRAPH_BRIDGE_HOME and a throwaway HOME (connect --list reads editor
 * configs under it), so nothing of the user's is read.
 *
 *   node --import tsx test/bench/run.ts cli            (after npm run build)
 *   GB_BENCH_CLI=/other/dist/cli.js node --import tsx test/bench/run.ts cli   (compare another build)
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = 10;
const GOAL_MS = 300;

interface Figure {
  min: number;
  median: number;
  max: number;
}

function time(command: string, args: string[], env: NodeJS.ProcessEnv, runs: number): Figure {
  const samples: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(command, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    if (i > 0) samples.push(ms);
  }
  samples.sort((a, b) => a - b);
  return { min: samples[0] ?? NaN, median: samples[Math.floor(samples.length / 2)] ?? NaN, max: samples.at(-1) ?? NaN };
}

function print(label: string, f: Figure, goal = true): void {
  const mark = goal ? (f.median <= GOAL_MS ? '  (goal <= 300 ms: met)' : '  (goal <= 300 ms: MISSED)') : '';
  console.log(
    `  ${label.padEnd(34)} min ${f.min.toFixed(0).padStart(4)} ms   median ${f.median.toFixed(0).padStart(4)} ms   max ${f.max.toFixed(0).padStart(4)} ms${mark}`,
  );
}

/** Starts `graph-bridge agent` and resolves once it serves; the returned function stops it. */
async function startAgent(cli: string, env: NodeJS.ProcessEnv): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, [cli, 'agent'], { cwd: ROOT, env });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out += d.toString();
      if (out.includes('Press Ctrl-C to stop.')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('close', () => reject(new Error(`the agent exited before serving:\n${out}`)));
  });
  return async () => {
    const closed = new Promise((r) => child.once('close', r));
    child.kill('SIGINT');
    await closed;
  };
}

export async function run(): Promise<void> {
  const cli = process.env.GB_BENCH_CLI ?? join(ROOT, 'dist/cli.js');
  if (!existsSync(cli)) return console.log(`CLI start-up: skipped (${cli} missing; run npm run build)`);
  const home = await mkdtemp(join(tmpdir(), 'gb-bench-cli-'));
  const env = {
    ...process.env,
    HOME: home,
    GRAPH_BRIDGE_HOME: join(home, 'gb'),
    GRAPH_BRIDGE_KEYCHAIN_SERVICE: `graph-bridge-bench-${randomUUID()}`,
  };
  try {
    console.log(`CLI start-up, wall time per command (${RUNS} runs each; ${cli}):`);
    print('node -e 0 (floor)', time(process.execPath, ['-e', '0'], env, RUNS), false);
    print('--version', time(process.execPath, [cli, '--version'], env, RUNS));
    print('--help', time(process.execPath, [cli, '--help'], env, RUNS));
    print('status (no agent running)', time(process.execPath, [cli, 'status'], env, RUNS));
    print('connect --list', time(process.execPath, [cli, 'connect', '--list'], env, RUNS));
    const stop = await startAgent(cli, env);
    try {
      print('status (agent running)', time(process.execPath, [cli, 'status'], env, RUNS));
    } finally {
      await stop();
    }
    const npx = spawnSync('npx', ['--no-install', 'graph-bridge', '--version'], { cwd: ROOT, env, encoding: 'utf8' });
    if (npx.status === 0)
      print(
        'npx graph-bridge --help (compare)',
        time('npx', ['--no-install', 'graph-bridge', '--help'], env, 3),
        false,
      );
    else console.log('  npx graph-bridge: not measured (npx could not run it here)');
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
