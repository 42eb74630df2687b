/**
 * security.md "a stopped broker yields an error within the deadline": a REAL `graph-bridge agent`
 * child is frozen with SIGSTOP while an editor (the MCP SDK Client over stdio, dist/bridge.js) calls
 * tools. The call that needs the broker comes back as a tool error saying what to check — it does not
 * hang — and after SIGCONT the same bridge works again. The deadline is shortened for the test with
 * GRAPH_BRIDGE_BROKER_TIMEOUT_MS (docs/bridge.md); it is a ceiling, not a measurement.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../emulator/index.ts';
import { startAgentProcess, type AgentProcess } from '../helpers/agent-process.ts';
import { resultText, startBridgeClient, type BridgeClient } from '../helpers/mcp-client.ts';

let emulator: RunningEmulator;
let agent: AgentProcess;
let bridge: BridgeClient;

before(async () => {
  emulator = await startEmulator();
  agent = await startAgentProcess({ emulator });
  bridge = await startBridgeClient({
    home: agent.home,
    caPath: emulator.caPath,
    entry: 'dist',
    clientName: 'deadline-it',
    env: { GRAPH_BRIDGE_BROKER_TIMEOUT_MS: '3000' },
  });
});
after(async () => {
  await bridge?.close();
  await agent?.stop();
  await emulator?.close();
});

void test('a SIGSTOPped broker: the tool call fails with what to check instead of hanging; after SIGCONT it works', async () => {
  const first = await bridge.call('get_my_profile');
  assert.notEqual(first.isError, true, resultText(first));

  process.kill(agent.pid, 'SIGSTOP');
  let stopped: Awaited<ReturnType<BridgeClient['call']>>;
  try {
    // A new scope set, so the bridge has no cached token and must ask the stopped broker.
    stopped = await bridge.call('list_mail_folders');
  } finally {
    process.kill(agent.pid, 'SIGCONT');
  }
  assert.equal(stopped.isError, true, resultText(stopped));
  assert.match(resultText(stopped), /Graph Bridge did not answer a token\.get request within 3 s/);
  assert.match(resultText(stopped), /tray icon, or the terminal running `graph-bridge agent`/);
  assert.doesNotMatch(resultText(stopped), /graph-bridge (clients|approvals|resume)/);

  const again = await bridge.call('list_mail_folders');
  assert.notEqual(again.isError, true, resultText(again));
});
