/**
 * An agent started by the bridge's launch command (GRAPH_BRIDGE_LAUNCH: detached, no terminal) has no
 * one to show a one-time code to. It makes none — the code never reaches a log, a file or a pipe — and
 * the CLI says plainly what the person can do: stop that agent (the command names its process) and run
 * `graph-bridge agent` in a terminal of their own, or use the app. `status` says so too. The printed
 * commands work pasted as printed into a fresh shell, and the agent they start shows the code.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBridgeClient, resultText, type BridgeClient } from '../helpers/mcp-client.ts';
import { startPty, type PtyProcess } from '../helpers/pty.ts';
import { filesUnder, helloBridge, runScript } from '../helpers/cli-script.ts';
import { waitFor } from '../helpers/wait-for.ts';
import type { RpcClient } from '../../app/shared/rpc-client.ts';
import { adminStatusSchema } from '../../app/broker/admin-protocol.ts';
import { isProcessAlive } from '../../app/platform/process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
let home: string;
let env: NodeJS.ProcessEnv;
let backgroundPid: number | null = null;
let terminalAgent: PtyProcess | null = null;

before(async () => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run npm run build first');
  home = await mkdtemp(join(tmpdir(), 'gb-no-tty-'));
  await mkdir(join(home, 'config'), { recursive: true, mode: 0o700 });
  await writeFile(
    join(home, 'config', 'settings.json'),
    JSON.stringify({
      toolGroups: ['profile'],
      approvalPolicy: { clients: 'ask', writes: { default: 'ask', tools: {} } },
    }),
  );
  const { GRAPH_BRIDGE_HOME: _drop, ...rest } = process.env;
  env = { ...rest, GRAPH_BRIDGE_HOME: home, GRAPH_BRIDGE_KEYCHAIN_SERVICE: `graph-bridge-test-${randomUUID()}` };
});

after(async () => {
  terminalAgent?.type('\x03');
  await terminalAgent?.exit;
  await stopBackgroundAgent();
  await rm(home, { recursive: true, force: true });
});

/** A background agent left by a failed test would hold the profile's socket. */
async function stopBackgroundAgent(): Promise<void> {
  const pid = backgroundPid;
  if (pid === null || !isProcessAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  await waitFor(() => !isProcessAlive(pid), 'the background agent to stop');
}

/** Runs the CLI the way a script does: stdin is not a terminal. */
const script = (args: string[]) => runScript(args, env);

/**
 * Runs a loosening command at a person's terminal and returns what it said; fails if it asks for a code
 * (nobody could see one).
 */
async function refusedAtTerminal(args: string[]): Promise<string> {
  const t = startPty([process.execPath, CLI, ...args], { env });
  const first = await Promise.race([t.exit.then(() => 'exit'), t.waitFor(/Code: $/m).then(() => 'prompt')]);
  if (first === 'prompt') t.type('\x03');
  const exit = await t.exit;
  assert.equal(first, 'exit', `nobody is asked for a code nobody can see:\n${t.output()}`);
  assert.equal(exit, 1, t.output());
  return t.output().replace(/\r?\n/g, ' ');
}

const pendingClient = (): Promise<RpcClient> => helloBridge(home, 'after-restart');

async function pendingId(name: string): Promise<string> {
  const r = await script(['clients', 'list', '--json']);
  assert.equal(r.code, 0, r.err);
  const rows = JSON.parse(r.out) as { id: string; name: string; approval: string }[];
  const row = rows.find((c) => c.name === name && c.approval === 'pending');
  assert.ok(row !== undefined, r.out);
  return row.id;
}

void test('an agent launched by a bridge has no terminal: no code is made, the CLI and status say what to do, and the printed commands work', async () => {
  // An editor's bridge finds no broker and starts one with its launch command, detached, output to nowhere.
  let bridge: BridgeClient | null = await startBridgeClient({
    home,
    entry: 'dist',
    clientName: 'launching-editor',
    env: {
      GRAPH_BRIDGE_KEYCHAIN_SERVICE: env.GRAPH_BRIDGE_KEYCHAIN_SERVICE ?? '',
      GRAPH_BRIDGE_LAUNCH: JSON.stringify([process.execPath, CLI, 'agent']),
      ...(process.env.DBUS_SESSION_BUS_ADDRESS
        ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS }
        : {}),
    },
  });
  try {
    const first = await bridge.call('get_my_profile');
    assert.match(resultText(first), /Graph Bridge window|approve/i, 'the editor waits for approval');

    const status = await script(['status', '--json']);
    assert.equal(status.code, 0, status.err);
    const admin = adminStatusSchema.parse(JSON.parse(status.out));
    const pid = admin.pid ?? -1;
    backgroundPid = pid;
    assert.equal(admin.host, 'agent');
    assert.equal(admin.showsCodes, false, 'the launched agent knows it has no terminal');
    assert.ok(isProcessAlive(pid));

    const text = await script(['status']);
    assert.match(text.out, new RegExp(`agent \\(process ${pid}\\) has no terminal`));

    // A person at a terminal tries to approve the editor.
    const id = await pendingId('launching-editor');
    const said = await refusedAtTerminal(['clients', 'approve', id]);
    assert.match(said, /has no terminal, so it cannot show you a one-time confirmation code/);
    const stop = new RegExp(
      `stop it with: (kill ${pid}) — then run in a terminal of your own: (.+?) — and run this command again`,
    ).exec(said);
    assert.ok(stop !== null, said);
    const [, kill = '', agentCommand = ''] = stop;
    assert.match(agentCommand, new RegExp(`--home ${home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} agent$`));
    assert.equal(await pendingId('launching-editor'), id, 'still pending');

    // No code was made anywhere: not in the agent's log, state or any other file.
    for (const file of await filesUnder(home)) {
      assert.doesNotMatch(await readFile(file, 'utf8').catch(() => ''), /Confirmation code: /, file);
    }

    // As printed, in fresh shells that start in the home folder without GRAPH_BRIDGE_HOME.
    await bridge.close(); // so the editor does not launch a background agent again
    bridge = null;
    const { GRAPH_BRIDGE_HOME: _drop, ...fresh } = env;
    const freshEnv = { ...fresh, HOME: homedir() };
    const killed = startPty(['sh', '-c', kill], { env: freshEnv, cwd: homedir() });
    assert.equal(await killed.exit, 0, killed.output());
    await waitFor(() => !isProcessAlive(pid), 'the background agent to stop');
    terminalAgent = startPty(['sh', '-c', agentCommand], { env: freshEnv, cwd: homedir() });
    await terminalAgent.waitFor(/Press Ctrl-C/);

    const editor = await pendingClient();
    const newId = await pendingId('after-restart');
    const since = terminalAgent.output().length;
    const approving = startPty([process.execPath, CLI, 'clients', 'approve', newId], { env });
    await approving.waitFor(/Code: $/m);
    const agentNow = terminalAgent;
    await agentNow.waitFor(/Confirmation code: [0-9]{6}/);
    const code = /Confirmation code: ([0-9]{6})/.exec(agentNow.output().slice(since))?.[1] ?? '';
    approving.type(`${code}\n`);
    assert.equal(await approving.exit, 0, approving.output());
    assert.match(approving.output(), new RegExp(`${newId}: approved`));
    editor.close();
    agentNow.type('\x03');
    await agentNow.exit;
    assert.match(agentNow.output(), /Stopped\./);
    terminalAgent = null;
  } finally {
    await bridge?.close();
  }
});

void test('an agent whose output is a pipe (a model running it in its shell tool) never writes a code into it', async () => {
  await stopBackgroundAgent();
  const agent = spawn(process.execPath, [CLI, 'agent'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let piped = '';
  agent.stdout.on('data', (d: Buffer) => (piped += d.toString()));
  agent.stderr.on('data', (d: Buffer) => (piped += d.toString()));
  const exited = new Promise((resolve) => agent.once('close', resolve));
  try {
    await waitFor(() => /Press Ctrl-C/.test(piped), 'the agent to start');
    const editor = await pendingClient();
    const id = await pendingId('after-restart');
    const said = await refusedAtTerminal(['clients', 'approve', id]);
    assert.match(said, new RegExp(`agent \\(process ${agent.pid}\\) has no terminal`));
    const paused = await script(['pause']);
    assert.equal(paused.code, 0, 'tightening needs no code');
    assert.match(await refusedAtTerminal(['resume']), /has no terminal/);
    assert.match(await refusedAtTerminal(['settings', 'set', 'toolGroups', '+mail']), /has no terminal/);
    editor.close();
    assert.doesNotMatch(piped, /Confirmation code|[^0-9][0-9]{6}\s/, 'no code in the pipe');
  } finally {
    agent.kill('SIGINT');
    await exited;
  }
});
