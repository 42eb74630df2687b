/**
 * A minimal JSON-RPC client over a child's stdio, for timing MCP servers from spawn on (the SDK's
 * Client would add its own start-up and validation to every figure). Answers are matched by id;
 * stderr lines go to `onStderrLine` (the memory probe reports there).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface RpcAnswer {
  line: string;
  msg: { id?: number; result?: unknown; error?: unknown };
}

export interface StdioRpc {
  child: ChildProcessWithoutNullStreams;
  /** Resolves when the child has been spawned (its pid is known). */
  spawned: Promise<void>;
  call(method: string, params: unknown): Promise<RpcAnswer>;
  notify(method: string): void;
  /** Every stderr line, as it arrives. */
  onStderrLine(listener: (line: string) => void): void;
  close(): Promise<void>;
}

export interface SpawnRpcOptions {
  file: string;
  args?: string[];
  /** Node options placed before the file (e.g. `--import probe.mjs`). */
  nodeArgs?: string[];
  env?: Record<string, string>;
}

export function spawnRpc(options: SpawnRpcOptions): StdioRpc {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.file, ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  let out = '';
  let err = '';
  let nextId = 1;
  const waiting = new Map<number, (answer: RpcAnswer) => void>();
  const stderrListeners: ((line: string) => void)[] = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    out += chunk;
    for (let nl = out.indexOf('\n'); nl !== -1; nl = out.indexOf('\n')) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      const msg = JSON.parse(line) as RpcAnswer['msg'];
      if (typeof msg.id === 'number') waiting.get(msg.id)?.({ line, msg });
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    err += chunk;
    for (let nl = err.indexOf('\n'); nl !== -1; nl = err.indexOf('\n')) {
      const line = err.slice(0, nl);
      err = err.slice(nl + 1);
      for (const l of stderrListeners) l(line);
    }
  });
  return {
    child,
    spawned,
    call(method, params) {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, (answer) => {
          waiting.delete(id);
          resolve(answer);
        });
        child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
      });
    },
    notify(method) {
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method })}\n`);
    },
    onStderrLine(listener) {
      stderrListeners.push(listener);
    },
    close() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin.end();
      setTimeout(() => child.kill(), 2000).unref();
      return exited;
    },
  };
}

export const INITIALIZE = {
  protocolVersion: '2025-06-18',
  capabilities: {},
  clientInfo: { name: 'bench', version: '1' },
};

/** initialize → notifications/initialized → tools/list, as an editor starts a server. */
export async function handshake(rpc: StdioRpc): Promise<RpcAnswer> {
  await rpc.call('initialize', INITIALIZE);
  rpc.notify('notifications/initialized');
  return rpc.call('tools/list', {});
}

/** Peak RSS (VmHWM) of a live process, in KiB; NaN where /proc is missing. */
export async function peakRssKiB(pid: number | undefined, readFile: (p: string) => Promise<string>): Promise<number> {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

/**
 * CPU time a live process has used so far, all its threads (V8's and libuv's too), in ms, from
 * /proc/<pid>/task/<tid>/schedstat (nanoseconds); NaN where /proc is missing. Unlike wall time it
 * hardly depends on what else the machine is doing.
 */
export async function cpuMs(
  pid: number | undefined,
  fs: { readdir(p: string): Promise<string[]>; readFile(p: string): Promise<string> },
): Promise<number> {
  try {
    let ns = 0;
    for (const tid of await fs.readdir(`/proc/${pid}/task`))
      ns += Number((await fs.readFile(`/proc/${pid}/task/${tid}/schedstat`)).split(' ')[0]);
    return ns / 1e6;
  } catch {
    return NaN;
  }
}
