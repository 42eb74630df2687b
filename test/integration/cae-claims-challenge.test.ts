/**
 * Conditional Access / continuous access evaluation end to end: a real `graph-bridge agent` (CLI
 * process, MSAL with client capability cp1, signed in by device code), a real bridge over MCP stdio,
 * the emulator. A policy change makes Graph answer the bridge's token with a 401 claims challenge:
 *   (a) one a refresh satisfies → the tool call succeeds after one retry with the claims;
 *   (b) one that needs MFA → a tool error saying only the user can sign in again, and
 *       `graph-bridge status` (and the agent's terminal) shows "Sign-in needed" with the reason.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../emulator/index.ts';
import { writeEmulatorSettings } from '../helpers/broker.ts';
import { startCli, type CliProcess } from '../helpers/cli-process.ts';
import { resultText, startBridgeClient, type BridgeClient } from '../helpers/mcp-client.ts';

let emulator: RunningEmulator;
let home: string;
let env: NodeJS.ProcessEnv;
let agent: CliProcess;
let bridge: BridgeClient;
let oid: string;

before(async () => {
  emulator = await startEmulator();
  emulator.control.settings({ deviceInterval: 1 });
  home = await mkdtemp(join(tmpdir(), 'gb-cae-'));
  await writeEmulatorSettings(home, emulator, {
    toolGroups: ['profile'],
    readOnly: true,
    approvalPolicy: { clients: 'allow', writes: { default: 'deny', tools: {} } },
  });
  env = { ...process.env, GRAPH_BRIDGE_HOME: home, GRAPH_BRIDGE_KEYCHAIN_SERVICE: `graph-bridge-test-${randomUUID()}` };
  agent = startCli(['agent', '--device-code'], { env });
  const [, code = ''] = await agent.waitFor(/Code: (\S+)/);
  emulator.control.device(code, 'approve');
  await agent.waitFor(/Signed in as /);
  oid = emulator.control.settings().currentUser;
  oid = emulator.users.find((u) => u.upn === oid)?.oid ?? assert.fail('current user');
  bridge = await startBridgeClient({ home, caPath: emulator.caPath, clientName: 'cae-it' });
});

after(async () => {
  await bridge?.close();
  agent?.child.kill('SIGINT');
  await agent?.exit;
  await emulator.close();
  await rm(home, { recursive: true, force: true });
});

const lastSeq = () => emulator.requestLog().at(-1)?.seq ?? 0;
const graphMe = (since: number) =>
  emulator.requestLog(since).filter((e) => e.host === 'graph' && e.path === '/v1.0/me');
const refreshes = (since: number) =>
  emulator.requestLog(since).filter((e) => e.host === 'entra' && e.form?.grant_type === 'refresh_token');

void test('(a) a claims challenge a refresh satisfies: one retry with the claims, the tool call succeeds', async () => {
  const first = await bridge.call('get_my_profile');
  assert.notEqual(first.isError, true, resultText(first));

  emulator.control.setPolicy(oid, { mfaRequired: false }); // a Conditional Access change this session satisfies
  const since = lastSeq();
  const r = await bridge.call('get_my_profile');
  assert.notEqual(r.isError, true, resultText(r));
  assert.deepEqual(
    graphMe(since).map((e) => e.status),
    [401, 200],
    'challenged once, then served',
  );
  const [refresh, ...more] = refreshes(since);
  assert.equal(more.length, 0, 'one refresh');
  const claims = JSON.parse(refresh?.form?.claims ?? '{}') as {
    access_token?: { nbf?: { essential?: boolean }; xms_cc?: { values?: string[] } };
  };
  assert.equal(claims.access_token?.nbf?.essential, true, 'the challenge claims reached Entra through the broker');
  assert.deepEqual(claims.access_token?.xms_cc?.values, ['cp1'], 'with the client capability');
});

void test('(b) a claims challenge that needs MFA: a clear tool error; status shows sign-in needed with the reason', async () => {
  emulator.control.setPolicy(oid, { mfaRequired: true });
  const since = lastSeq();
  const r = await bridge.call('get_my_profile');
  assert.equal(r.isError, true);
  const text = resultText(r);
  assert.match(text, /multi-factor authentication or a compliant device/);
  assert.match(text, /Only the user can fix this: they must sign in again in Graph Bridge \(tray icon/);
  assert.doesNotMatch(text, /graph-bridge [a-z]/, 'no command the model could run');
  assert.deepEqual(
    graphMe(since).map((e) => e.status),
    [401],
  );
  assert.equal(refreshes(since)[0]?.status, 400);

  const status = startCli(['status'], { env });
  assert.equal(await status.exit, 0, status.stderr());
  assert.match(
    status.stdout(),
    /^Sign-in: +NEEDED since \S+: Your organisation requires an extra sign-in step, such as multi-factor authentication or a compliant device \(invalid_grant\/basic_action\/50076\)$/m,
  );
  const json = startCli(['status', '--json'], { env });
  assert.equal(await json.exit, 0);
  const view = JSON.parse(json.stdout()) as { status: { signInNeeded?: { reason: string } } };
  assert.match(view.status.signInNeeded?.reason ?? '', /multi-factor authentication/);
  await agent.waitFor(/Sign-in needed for \S+: Your organisation requires an extra sign-in step/);
  assert.match(agent.stdout(), /run "graph-bridge login"/);
});
