/**
 * `graph-bridge settings set` of a sign-in setting (clientId, tenant, cloud, authority, CA file, OS
 * broker, plaintext cache) against a RUNNING agent, with the real CLI (dist/cli.js) as a person types
 * it at a real terminal (test/helpers/pty.ts) and the agent on a terminal of its own: the agent rebuilds
 * its sign-in in place — no restart — and the CLI is answered after the rebuild with what it did
 * (signed out because the client changed, and the sign-in command, which works pasted as printed). A
 * change that cannot start leaves the previous sign-in serving, settings.json as it was, and says why.
 * The code is still needed for these loosening changes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, OTHER_CLIENT_ID, type RunningEmulator } from '../emulator/index.ts';
import { writeEmulatorSettings } from '../helpers/broker.ts';
import { startPty, type PtyProcess } from '../helpers/pty.ts';
import { helloBridge, runScript } from '../helpers/cli-script.ts';
import type { RpcClient } from '../../app/shared/rpc-client.ts';
import { resultSchema, tokenGetResultSchema } from '../../app/shared/bridge-contract.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
let emulator: RunningEmulator;
let home: string;
let env: NodeJS.ProcessEnv;
let agent: PtyProcess;

const tokenResult = resultSchema(tokenGetResultSchema);
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

before(async () => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run npm run build first');
  emulator = await startEmulator();
  emulator.control.settings({ deviceInterval: 1 });
  home = await mkdtemp(join(tmpdir(), 'gb-reload-'));
  await writeEmulatorSettings(home, emulator, {
    approvalPolicy: { clients: 'allow', writes: { default: 'ask', tools: {} } },
  });
  const { GRAPH_BRIDGE_HOME: _drop, ...rest } = process.env;
  env = {
    ...rest,
    GRAPH_BRIDGE_HOME: home,
    GRAPH_BRIDGE_KEYCHAIN_SERVICE: `graph-bridge-test-${randomUUID()}`,
    NODE_EXTRA_CA_CERTS: emulator.caPath,
  };
  agent = startPty([process.execPath, CLI, 'agent', '--device-code'], { env });
  const code = await agent.waitFor(/Code: (\S+)/);
  assert.ok(emulator.control.device(code[1] ?? '', 'approve').ok);
  await agent.waitFor(/Signed in as /);
});

after(async () => {
  agent.type('\x03');
  await agent.exit;
  await emulator.close();
  await rm(home, { recursive: true, force: true });
});

/** Runs the CLI the way a script does: stdin is not a terminal. */
const script = (args: string[]) => runScript(args, env);

/** At a person's terminal: runs `argv`, types the code the agent shows in its own terminal. */
async function atTerminal(argv: string[], options = { env }): Promise<{ exit: number | null; output: string }> {
  const since = agent.output().length;
  const t = startPty(argv, options);
  await t.waitFor(/Code: $/m);
  const shown = await agent.waitFor(new RegExp(`^[\\s\\S]{${since}}[\\s\\S]*?Confirmation code: ([0-9]{6})`));
  t.type(`${shown[1] ?? ''}\n`);
  return { exit: await t.exit, output: t.output() };
}

async function statusJson(): Promise<{ status: { account: { username: string } | null } }> {
  const r = await script(['status', '--json']);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as { status: { account: { username: string } | null } };
}

const bridge = (): Promise<RpcClient> =>
  helloBridge(home, 'reload-test', [{ name: 'me', group: 'profile', scopes: ['User.Read'], readOnly: true }]);

function tokenFrom(c: RpcClient) {
  return c.call('token.get', { scopes: ['User.Read'] }).then((r) => tokenResult.parse(r));
}

const settingsFile = async (): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(join(home, 'config', 'settings.json'), 'utf8')) as Record<string, unknown>;

void test('settings set clientId: the running agent restarts its sign-in in place, says the user is signed out, and the printed sign-in works', async () => {
  const scripted = await script(['settings', 'set', 'clientId', OTHER_CLIENT_ID]);
  assert.equal(scripted.code, 1, 'a client change loosens access: a script cannot make it');
  assert.match(scripted.err, /loosens access \(change clientId/);

  const before = await statusJson();
  assert.ok(before.status.account !== null, 'signed in before');
  const old = await bridge();
  assert.ok((await tokenFrom(old)).ok, 'the old client serves tokens');

  const run = await atTerminal([process.execPath, CLI, 'settings', 'set', 'clientId', OTHER_CLIENT_ID]);
  assert.equal(run.exit, 0, run.output);
  assert.match(run.output, new RegExp(`clientId = ${OTHER_CLIENT_ID} \\(applied\\)`));
  assert.match(run.output, /restarted its sign-in with the new clientId \(no restart needed\)/);
  assert.match(
    run.output,
    /You are signed out: adele@contoso\.onmicrosoft\.com was signed in with the previous settings/,
  );
  assert.doesNotMatch(run.output, /when the agent restarts|after a restart/);
  await old.closed; // bridges reconnect to the rebuilt broker
  assert.equal((await settingsFile()).clientId, OTHER_CLIENT_ID);
  assert.doesNotMatch(agent.output(), /Stopped\./, 'the agent process kept running');

  const fresh = await bridge();
  const refused = await tokenFrom(fresh);
  assert.equal(
    refused.ok ? 'ok' : refused.error.code,
    'NOT_SIGNED_IN',
    'the old sign-in is not used for the new client',
  );

  // The printed command, as printed, in a fresh shell in the home folder without GRAPH_BRIDGE_HOME.
  const printed = /Sign in with: (.+) \(add --device-code/.exec(run.output)?.[1];
  assert.ok(printed !== undefined, run.output);
  assert.match(printed, new RegExp(`--home ${escapeRe(home)} login$`));
  const { GRAPH_BRIDGE_HOME: _drop, ...fresher } = env;
  const login = startPty(['sh', '-c', `${printed} --device-code`], { env: { ...fresher, HOME: homedir() } });
  const code = await login.waitFor(/Code: (\S+)/);
  assert.ok(emulator.control.device(code[1] ?? '', 'approve').ok);
  assert.equal(await login.exit, 0, login.output());

  const served = await tokenFrom(fresh);
  assert.ok(served.ok, JSON.stringify(served));
  const tokenCalls = emulator.requestLog().filter((e) => e.path.endsWith('/oauth2/v2.0/token'));
  assert.equal(tokenCalls.at(-1)?.form?.client_id, OTHER_CLIENT_ID, 'Entra now sees the new client');
  fresh.close();
});

void test('sign-in settings that cannot start: the previous sign-in keeps serving, settings.json is as it was, and the CLI says why', async () => {
  const c = await bridge();
  assert.ok((await tokenFrom(c)).ok);
  const fileBefore = await settingsFile();
  const missing = join(home, 'missing-ca.pem');

  const run = await atTerminal([process.execPath, CLI, 'settings', 'set', 'extraCaFile', missing]);
  assert.equal(run.exit, 1, run.output);
  assert.match(run.output, /Settings not changed: /);
  assert.match(run.output, /missing-ca\.pem/);
  assert.match(run.output, /keeps the previous sign-in settings/);
  assert.match(run.output, /settings\.json is as it was/);
  assert.deepEqual(await settingsFile(), fileBefore, 'nothing of the change is left in the file');

  const again = await bridge();
  const served = await tokenFrom(again);
  assert.ok(served.ok, `the previous sign-in serves: ${JSON.stringify(served)}`);
  const shown = await script(['settings', 'get', 'extraCaFile']);
  assert.equal(shown.out.trim(), emulator.caPath);
  c.close();
  again.close();
});
