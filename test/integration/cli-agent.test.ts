/**
 * `graph-bridge agent` end to end: the real CLI process (node --import tsx app/cli/main.ts) with
 * GRAPH_BRIDGE_HOME in a temp dir, signed in to the emulator by device code, driven by other CLI
 * processes over the admin channel; the token cache survives an agent restart (real keychain).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../emulator/index.ts';
import type { RunningEmulator } from '../emulator/index.ts';
import { issuedRefreshTokens, scanForSecrets, writeEmulatorSettings } from '../helpers/broker.ts';
import { connectRpc } from '../../app/shared/rpc-client.ts';
import { PROTOCOL_VERSION } from '../../app/shared/constants.ts';
import { resolveBrokerEndpoint } from '../../app/shared/endpoint.ts';
import { resultSchema, tokenGetResultSchema } from '../../app/shared/bridge-contract.ts';
import { adminStatusSchema } from '../../app/broker/admin-protocol.ts';
import { createEditorCredentials } from '../../app/broker/approvals/editor-credentials.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'app/cli/main.ts');
let emulator: RunningEmulator;
let home: string;
let env: NodeJS.ProcessEnv;
const outputs: Record<string, string> = {};

before(async () => {
  emulator = await startEmulator();
  emulator.control.settings({ deviceInterval: 1 });
  home = await mkdtemp(join(tmpdir(), 'gb-cli-'));
  await writeEmulatorSettings(home, emulator, {
    approvalPolicy: { clients: 'allow', writes: { default: 'ask', tools: {} } },
  });
  env = { ...process.env, GRAPH_BRIDGE_HOME: home, GRAPH_BRIDGE_KEYCHAIN_SERVICE: `graph-bridge-test-${randomUUID()}` };
});
after(async () => {
  const { findings } = await scanForSecrets({
    dirs: [home],
    texts: outputs,
    secrets: issuedRefreshTokens(emulator),
    skip: (p) => p.includes('token-cache'),
  });
  await emulator.close();
  await rm(home, { recursive: true, force: true });
  assert.deepEqual(findings, []);
});

interface Proc {
  child: ChildProcessWithoutNullStreams;
  out: () => string;
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  exit: Promise<number | null>;
}

function cli(args: string[], label: string): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      outputs[`${label} stdout`] = out;
      outputs[`${label} stderr`] = err;
      resolve(code);
    }),
  );
  return {
    child,
    out: () => out,
    exit,
    waitFor: (re, ms = 60_000) =>
      new Promise((resolve, reject) => {
        const started = Date.now();
        const tick = (): void => {
          const m = re.exec(out);
          if (m) return resolve(m);
          if (Date.now() - started > ms || child.exitCode !== null) {
            return reject(new Error(`timed out waiting for ${re} in:\n${out}\n${err}`));
          }
          setTimeout(tick, 50);
        };
        tick();
      }),
  };
}

async function run(args: string[], label: string): Promise<{ code: number | null; out: string }> {
  const p = cli(args, label);
  const code = await p.exit;
  return { code, out: p.out() };
}

async function status(label: string) {
  const r = await run(['status', '--json'], label);
  assert.equal(r.code, 0, r.out);
  const json = JSON.parse(r.out) as { running: boolean } & Record<string, unknown>;
  return { running: json.running, ...adminStatusSchema.omit({ host: true, interactiveApprovals: true }).parse(json) };
}

async function approveDeviceCode(p: Proc): Promise<void> {
  const m = await p.waitFor(/Code: (\S+)/);
  emulator.control.device(m[1] ?? '', 'approve');
}

void test('agent: device-code sign-in, status --json, admin commands, clean Ctrl-C, cache survives a restart', async () => {
  const agent = cli(['agent', '--device-code'], 'agent 1');
  await agent.waitFor(/Endpoint: (.+)/);
  await approveDeviceCode(agent);
  await agent.waitFor(/Signed in as /);

  const s1 = await status('status 1');
  assert.equal(s1.running, true);
  assert.ok(s1.status.account, 'signed in');
  const endpoint = resolveBrokerEndpoint({
    platform: 'linux',
    env: { GRAPH_BRIDGE_HOME: home },
    homedir: home,
    username: 'x',
  });
  assert.equal(s1.status.endpoint, endpoint.path);
  // Under `node test/run.mjs integration` a real Secret Service runs: the cache must be in the keychain.
  if (process.env.GRAPH_BRIDGE_TEST_KEYRING === '1') assert.equal(s1.status.cache.backend, 'keychain');
  else assert.ok(['keychain', 'memory'].includes(s1.status.cache.backend));

  // A bridge-like client with an editor credential (as `connect` writes it) gets a token from the agent.
  const { key: editorKey } = await createEditorCredentials({
    filePath: join(home, 'state', 'editor-keys.json'),
  }).ensure('e2e');
  const c = await connectRpc(endpoint.path);
  await c.call('hello', {
    protocolVersion: PROTOCOL_VERSION,
    key: (await readFile(endpoint.keyPath, 'utf8')).trim(),
    client: { name: 'e2e-editor', version: '1', pid: process.pid },
    editorKey,
  });
  const t = resultSchema(tokenGetResultSchema).parse(await c.call('token.get', { scopes: ['User.Read'] }));
  assert.ok(t.ok);
  c.close();

  const deny = await run(['clients', 'deny', 'e2e'], 'clients deny');
  assert.equal(deny.code, 0, deny.out);
  const list = await run(['clients', 'list'], 'clients list');
  assert.match(list.out, /^e2e\te2e-editor\tdenied/m);
  assert.equal((await run(['approvals'], 'approvals')).out, 'No pending approvals.\n');

  agent.child.kill('SIGINT');
  assert.equal(await agent.exit, 0);
  assert.match(agent.out(), /Stopped\./);
  const offline = await status('status offline');
  assert.equal(offline.running, false);

  const again = cli(['agent'], 'agent 2');
  await again.waitFor(/Account: {2}(.+)/);
  if (s1.status.cache.backend === 'keychain') {
    assert.match(
      again.out(),
      new RegExp(`Account: {2}${s1.status.account.username.replace('.', '\\.')}`),
      'signed in from the keychain cache',
    );
  }
  const s2 = await status('status 2');
  assert.equal(s2.status.clients.find((x) => x.id === 'e2e')?.approval, 'denied', 'clients.json persisted');

  const logout = await run(['logout'], 'logout');
  assert.equal(logout.code, 0, logout.out);
  assert.equal((await status('status 3')).status.account, null);
  const login = cli(['login', '--device-code'], 'login');
  await approveDeviceCode(login);
  assert.equal(await login.exit, 0);
  assert.match(login.out(), /Signed in as /);

  again.child.kill('SIGTERM');
  assert.equal(await again.exit, 0);
});

void test('usage errors exit 2; a second agent on the same home is refused with exit 1', async () => {
  const bad = await run(['status', '--bogus'], 'bad flag');
  assert.equal(bad.code, 2);
  const unknown = await run(['frobnicate'], 'unknown');
  assert.equal(unknown.code, 2);
  const first = cli(['agent'], 'agent a');
  await first.waitFor(/Press Ctrl-C/);
  const second = await run(['agent'], 'agent b');
  assert.equal(second.code, 1);
  assert.match(outputs['agent b stderr'] ?? '', /Another Graph Bridge broker is running/);
  first.child.kill('SIGINT');
  assert.equal(await first.exit, 0);
});
