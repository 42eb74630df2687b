/**
 * `npm run demo` — Graph Bridge end to end against the bundled Entra ID + Graph emulator tenant:
 *
 *  1. starts the emulator (HTTPS on localhost:8443 / :8445 with a CA it generates),
 *  2. writes a demo profile in ./.graph-bridge-demo (settings.json: authority, Graph URL, trusted CA —
 *     configuration only; nothing in app/ or bridge/ knows about the emulator),
 *  3. starts the real headless broker: `node dist/cli.js agent --approvals=ask` on a terminal of its own (a pty),
 *  4. signs the demo user in for real: `graph-bridge login --device-code`, with headless Chromium
 *     entering the code, the password and the consent on the emulator's pages,
 *  5. spawns the real bridge (dist/bridge.js) with the MCP SDK client, shows the editor held as
 *     pending, approves it the way a person does: `graph-bridge --home <profile> clients approve <id>` on a
 *     real terminal (a pty), typing the one-time code the agent printed in ITS terminal — which is this
 *     demo's terminal — and calls a few tools,
 *  6. "your turn" (demo-your-turn.ts): an editor connected with a credential asks for the account and then to
 *     send a mail; the reader approves both from a second terminal with the commands printed here, typing
 *     the codes the agent prints in this terminal; then it keeps running so you can connect a real editor
 *     (prints the command) until Ctrl-C. `--once` stops after step 5.
 * Every command it prints names the demo profile and works pasted into a fresh terminal.
 *
 * Flags: --once, --entra-port N, --graph-port N (0 = any free port).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { startEmulator, type RunningEmulator } from './index.ts';
import { yourTurn } from './demo-your-turn.ts';
import { chromiumSession } from '../helpers/browser.ts';
import { startPty, type PtyProcess } from '../helpers/pty.ts';
import { cliCommand } from '../../app/cli/invocation.ts';
import { osKindOf, resolveAppPaths } from '../../app/platform/paths.ts';
import { DEFAULT_KEYCHAIN_ACCOUNT } from '../../app/broker/auth/token-cache.ts';
import type * as KeytarModule from 'keytar';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli.js');
const bridge = join(root, 'dist/bridge.js');
const { values: flags } = parseArgs({
  options: {
    once: { type: 'boolean', default: false },
    'entra-port': { type: 'string', default: '8443' },
    'graph-port': { type: 'string', default: '8445' },
    home: { type: 'string', default: join(process.cwd(), '.graph-bridge-demo') },
  },
});
const home = resolve(flags.home);
let agentTerminal: PtyProcess | null = null;
/** What the agent printed in its terminal (this one): confirmation codes appear here. */
let agentOutput = '';
/** A command line for this profile that works pasted anywhere (app/cli/invocation.ts). */
const printed = (...args: string[]): string =>
  cliCommand(
    {
      env: { ...process.env, GRAPH_BRIDGE_HOME: home },
      execPath: process.execPath,
      bridgeEntry: bridge,
      platform: { os: osKindOf(process.platform) },
    },
    ...args,
  );

function say(line: string): void {
  process.stdout.write(`\x1b[1m[demo]\x1b[0m ${line}\n`);
}

function forward(text: string, tag: string): void {
  if (tag === '[agent]') agentOutput += text;
  for (const line of text.split(/\r?\n/)) if (line.trim() !== '') process.stdout.write(`  ${tag} ${line}\n`);
}

function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
  quiet = false,
): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!quiet) process.stdout.write(`  [graph-bridge ${args[0] ?? ''}] ${line}\n`);
        onLine?.(line);
      }
    });
    child.stderr.on('data', (chunk: Buffer) =>
      process.stderr.write(`  [graph-bridge ${args[0] ?? ''}] ${chunk.toString()}`),
    );
    child.once('error', reject);
    child.once('exit', (code) => resolvePromise(code ?? 1));
  });
}

async function startEmulatorOnPorts(): Promise<RunningEmulator> {
  const caDir = join(home, 'emulator');
  try {
    return await startEmulator({
      entraPort: Number(flags['entra-port']),
      graphPort: Number(flags['graph-port']),
      caDir,
      interactiveMode: 'page',
    });
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    say('Ports 8443/8445 are busy; using free ports instead (pass --entra-port/--graph-port to choose).');
    return startEmulator({ entraPort: 0, graphPort: 0, caDir, interactiveMode: 'page' });
  }
}

function writeDemoSettings(emulator: RunningEmulator): void {
  const configDir = join(home, 'config');
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  const settings = {
    clientId: emulator.clientId,
    tenant: emulator.tenantId,
    cloud: { authorityHost: emulator.entraOrigin, graphBaseUrl: `${emulator.graphOrigin}/` },
    extraCaFile: emulator.caPath,
    approvalPolicy: { clients: 'ask', writes: { default: 'ask', tools: {} } },
    // The emulator's protected demo API, for api_request once the editor enables the "api" group.
    ...(emulator.api ? { api: { baseUrl: emulator.api.baseUrl, scope: emulator.api.scope } } : {}),
  };
  writeFileSync(join(configDir, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
}

async function waitForAgent(env: NodeJS.ProcessEnv): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const code = await new Promise<number>((res) => {
      const c = spawn(process.execPath, [cli, 'status', '--json'], { env, stdio: 'ignore' });
      c.once('exit', (status) => res(status ?? 1));
    });
    if (code === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('The agent did not start within 20 s; see its output above.');
}

function text(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('\n');
}

function indent(block: string, max = 14): string {
  const lines = block.split('\n');
  const shown = lines.slice(0, max).map((l) => `    ${l}`);
  if (lines.length > max) shown.push(`    … (${lines.length - max} more lines)`);
  return shown.join('\n');
}

/**
 * The demo profile is rebuilt on every run, but its token cache lives in the OS keychain under the
 * profile's own service name: drop that entry too, so a run never starts with the last run's sign-in
 * (whose tokens the fresh emulator would not know). No keychain here is fine: the broker reports it.
 */
async function forgetDemoKeychainEntry(): Promise<void> {
  const { keychainService } = resolveAppPaths({
    os: osKindOf(process.platform),
    env: { ...process.env, GRAPH_BRIDGE_HOME: home },
    homedir: homedir(),
    username: userInfo().username,
  });
  try {
    const keytar = createRequire(import.meta.url)('keytar') as typeof KeytarModule;
    await keytar.deletePassword(keychainService, DEFAULT_KEYCHAIN_ACCOUNT);
  } catch {
    // No keychain (or no D-Bus session): nothing was stored there to forget.
  }
}

/** The editor's id as the broker lists it (it has no editor credential: a session of its own). */
async function pendingClientId(env: NodeJS.ProcessEnv): Promise<string> {
  let json = '';
  const code = await runCli(['clients', 'list', '--json'], env, (line) => (json += `${line}\n`), true);
  if (code !== 0) throw new Error('graph-bridge clients list failed');
  const clients = JSON.parse(json) as { id: string; name: string; approval: string }[];
  const mine = clients.find((c) => c.name === 'graph-bridge-demo' && c.approval === 'pending');
  if (mine === undefined) throw new Error(`the demo editor is not pending: ${json}`);
  return mine.id;
}

/**
 * Approves the editor as a person does: the approve command on a real terminal, and the one-time code
 * the agent printed in its terminal (this demo's) typed at its prompt. A script without a terminal is
 * refused, which is what stops a model with a shell from approving itself.
 */
async function approveAsAPerson(env: NodeJS.ProcessEnv): Promise<void> {
  const id = await pendingClientId(env);
  say(`In another terminal you would run:\n    ${printed('clients', 'approve', id)}`);
  say('and type the code the agent prints. Doing that here on a pseudo-terminal:');
  const since = agentOutput.length;
  const terminal = startPty([process.execPath, cli, '--home', home, 'clients', 'approve', id], { env });
  await terminal.waitFor(/Code: $/m, 60_000);
  let code: string | undefined;
  for (let i = 0; i < 600 && code === undefined; i++) {
    code = /Confirmation code: ([0-9]{6})/.exec(agentOutput.slice(since))?.[1];
    if (code === undefined) await new Promise((r) => setTimeout(r, 50));
  }
  if (code === undefined) throw new Error('the agent did not print a confirmation code');
  terminal.type(`${code}\n`);
  const exit = await terminal.exit;
  for (const line of terminal.output().split(/\r?\n/)) if (line.trim() !== '') say(`  [terminal] ${line}`);
  if (exit !== 0) throw new Error(`graph-bridge clients approve exited with ${exit}`);
}

async function main(): Promise<void> {
  if (!existsSync(cli) || !existsSync(bridge)) throw new Error('dist/ is missing: run `npm run build` first.');
  rmSync(home, { recursive: true, force: true });
  await forgetDemoKeychainEntry();
  mkdirSync(home, { recursive: true, mode: 0o700 });

  const emulator = await startEmulatorOnPorts();
  const user = emulator.users[0];
  if (user === undefined) throw new Error('The emulator has no users.');
  say(`Emulator tenant ${emulator.tenantDomain}: authority ${emulator.authority}, Graph ${emulator.graphOrigin}/v1.0`);
  writeDemoSettings(emulator);
  say(`Demo profile: ${home} (GRAPH_BRIDGE_HOME)`);

  const env = { ...process.env, GRAPH_BRIDGE_HOME: home };
  // On a terminal of its own (a pty): the agent shows confirmation codes only where a person reads them.
  agentTerminal = startPty([process.execPath, cli, 'agent', '--approvals=ask'], { env });
  agentTerminal.onOutput((text) => forward(text, '[agent]'));
  await waitForAgent(env);
  say('Agent is up. Signing in with a device code; headless Chromium plays your browser.');

  const browser = chromiumSession({ username: user.upn, password: user.password, spkiSha256: emulator.leafSpkiSha256 });
  let code: string | undefined;
  let url: string | undefined;
  let signIn: Promise<unknown> | undefined;
  const loginExit = await runCli(['login', '--device-code'], env, (line) => {
    code ??= /Code:\s*(\S+)/.exec(line)?.[1];
    url ??= /URL:\s*(\S+)/.exec(line)?.[1];
    if (code !== undefined && url !== undefined && signIn === undefined) {
      say(`Entering code ${code} at ${url} as ${user.upn}`);
      signIn = browser.deviceLogin(url, code);
    }
  });
  await signIn;
  await browser.close();
  if (loginExit !== 0) throw new Error(`graph-bridge login exited with ${loginExit}`);

  say('Starting the bridge the way an editor does (node dist/bridge.js over stdio).');
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bridge],
    env: { ...(env as Record<string, string>), NODE_EXTRA_CA_CERTS: emulator.caPath },
    stderr: 'pipe',
  });
  const client = new Client({ name: 'graph-bridge-demo', version: '1.0.0' });
  await client.connect(transport);
  const tools = await client.listTools();
  say(`tools/list: ${tools.tools.length} tools, ${JSON.stringify(tools).length} bytes of schema`);

  const first = (await client.callTool({ name: 'get_my_profile', arguments: {} })) as CallToolResult;
  say(`First call from a new editor is held for approval:\n${indent(text(first))}`);
  await approveAsAPerson(env);

  for (const [name, args] of [
    ['get_my_profile', {}],
    ['list_messages', { top: 3 }],
    ['list_events', {}],
  ] as const) {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    say(`${name}${result.isError === true ? ' (error)' : ''}:\n${indent(text(result))}`);
  }
  await client.close();
  await runCli(['status'], env);

  if (flags.once) return;
  await yourTurn({
    home,
    env,
    bridgePath: bridge,
    caPath: emulator.caPath,
    user: user.upn,
    printed,
    say,
    cliJson: async (args) => {
      let json = '';
      const code = await runCli(args, env, (line) => (json += `${line}\n`), true);
      if (code !== 0) throw new Error(`graph-bridge ${args.join(' ')} exited with ${code}`);
      return JSON.parse(json) as unknown;
    },
    pause: () => new Promise((r) => setTimeout(r, 1000)),
  });
  say('Graph Bridge is running against the demo tenant. Connect a real editor with, for example:');
  say(`  ${printed('connect', '--print', 'cursor')}`);
  say(`(the bridge needs NODE_EXTRA_CA_CERTS=${emulator.caPath} to trust the demo CA; --print includes it)`);
  say('Press Ctrl-C to stop the agent and the emulator.');
  await new Promise<void>((res) => {
    process.once('SIGINT', res);
    process.once('SIGTERM', res);
  });
}

async function shutdown(emulatorClose?: () => Promise<void>): Promise<void> {
  agentTerminal?.type('\x03');
  await agentTerminal?.exit;
  await emulatorClose?.();
}

main()
  .then(async () => {
    await shutdown();
    process.exit(0);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    await shutdown();
    process.exit(1);
  });
