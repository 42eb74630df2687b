/**
 * A REAL `graph-bridge agent` as a child process (node --import tsx app/cli/main.ts agent), signed in
 * to the emulator by device code — for tests that must observe or stop the broker PROCESS itself
 * (its RSS, SIGSTOP/SIGCONT), which the in-process startTestBroker cannot offer.
 *
 *   const agent = await startAgentProcess({ emulator });
 *   process.kill(agent.pid, 'SIGSTOP'); …; process.kill(agent.pid, 'SIGCONT');
 *   await agent.stop();                                   // SIGINT, waits for exit, removes the temp home
 *
 * Bridges find it with agent.env (GRAPH_BRIDGE_HOME + NODE_EXTRA_CA_CERTS).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveBrokerEndpoint } from '../../app/shared/endpoint.ts';
import type { BrokerEndpoint } from '../../app/shared/endpoint.ts';
import type { RunningEmulator } from '../emulator/index.ts';
import { writeEmulatorSettings } from './broker.ts';
import { REPO_ROOT } from './mcp-client.ts';

export interface AgentProcess {
  pid: number;
  home: string;
  endpoint: BrokerEndpoint;
  /** What a bridge needs to find this agent and trust the emulator. */
  env: Record<string, string>;
  /** Everything the agent printed so far (stdout + stderr). */
  output(): string;
  /** Resident set size of the agent process now, and its peak since the last resetPeak(), in bytes (Linux). */
  memory(): Promise<{ rss: number; peak: number }>;
  /** Resets the kernel's peak-RSS counter (VmHWM) of the agent (/proc/<pid>/clear_refs). */
  resetPeak(): Promise<void>;
  stop(): Promise<void>;
}

export interface AgentProcessOptions {
  emulator: RunningEmulator;
  /** Extra settings.json keys (default: clients allowed, writes allowed). */
  settings?: Record<string, unknown>;
}

async function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
  if (kb === undefined) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(kb) * 1024;
}

export async function startAgentProcess(options: AgentProcessOptions): Promise<AgentProcess> {
  const { emulator } = options;
  emulator.control.settings({ deviceInterval: 1 });
  const home = await mkdtemp(join(tmpdir(), 'gb-agent-proc-'));
  await writeEmulatorSettings(home, emulator, {
    approvalPolicy: { clients: 'allow', writes: { default: 'allow', tools: {} } },
    ...options.settings,
  });
  const env = {
    ...process.env,
    GRAPH_BRIDGE_HOME: home,
    GRAPH_BRIDGE_KEYCHAIN_SERVICE: `graph-bridge-test-${randomUUID()}`,
  };
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'app/cli/main.ts'), 'agent', '--device-code'],
    {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const waiters = new Set<() => void>();
  const onOutput = (d: Buffer): void => {
    out += d.toString();
    for (const w of [...waiters]) w();
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = (re: RegExp): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const m = re.exec(out);
        if (m) {
          waiters.delete(check);
          resolve(m);
        }
      };
      waiters.add(check);
      void exited.then((code) => {
        if (waiters.delete(check)) reject(new Error(`the agent exited (${code}) before printing ${re}:\n${out}`));
      });
      check();
    });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT');
      child.kill('SIGINT');
      await exited;
    }
    await rm(home, { recursive: true, force: true });
  };
  try {
    const code = await waitFor(/Code: (\S+)/);
    const approved = emulator.control.device(code[1] ?? '', 'approve');
    if (!approved.ok) throw new Error(`device approval failed: ${JSON.stringify(approved)}`);
    await waitFor(/Signed in as /);
  } catch (e) {
    await stop();
    throw e;
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error('the agent has no pid');
  return {
    pid,
    home,
    endpoint: resolveBrokerEndpoint({
      platform: process.platform,
      env: { GRAPH_BRIDGE_HOME: home },
      homedir: home,
      username: 'x',
    }),
    env: { GRAPH_BRIDGE_HOME: home, NODE_EXTRA_CA_CERTS: emulator.caPath },
    output: () => out,
    memory: async () => ({ rss: await procStatusBytes(pid, 'VmRSS'), peak: await procStatusBytes(pid, 'VmHWM') }),
    resetPeak: async () => {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(`/proc/${pid}/clear_refs`, '5');
    },
    stop,
  };
}
