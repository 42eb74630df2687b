/**
 * The broker over REAL sockets with the REAL AuthService (MSAL + keychain) against the emulator.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startEmulator } from '../emulator/index.ts';
import type { RunningEmulator } from '../emulator/index.ts';
import { startTestBroker } from '../helpers/broker.ts';
import type { TestBroker } from '../helpers/broker.ts';
import { connectRpc } from '../../app/shared/rpc-client.ts';
import type { RpcClient } from '../../app/shared/rpc-client.ts';
import { PROTOCOL_VERSION } from '../../app/shared/constants.ts';
import { resultSchema, tokenGetResultSchema } from '../../app/shared/bridge-contract.ts';

const tokenResult = resultSchema(tokenGetResultSchema);
let emulator: RunningEmulator;

before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  await emulator.close();
});

async function bridge(tb: TestBroker, name: string): Promise<RpcClient> {
  const client = await connectRpc(tb.endpoint.path);
  const key = (await readFile(tb.endpoint.keyPath, 'utf8')).trim();
  await client.call('hello', {
    protocolVersion: PROTOCOL_VERSION,
    key,
    client: { name, version: '1', pid: process.pid },
  });
  await client.call('tools.declare', {
    tools: [{ name: 'get_my_profile', group: 'profile', scopes: ['User.Read'], readOnly: true }],
  });
  return client;
}

void test('a signed-in test broker hands an access token that the emulated Graph accepts', async () => {
  const tb = await startTestBroker({ emulator });
  try {
    assert.ok(tb.account, 'signed in');
    const c = await bridge(tb, 'itest');
    const r = tokenResult.parse(await c.call('token.get', { scopes: ['User.Read'] }));
    assert.ok(r.ok, JSON.stringify(r));
    const verified = emulator.verifyAccessToken(`Bearer ${r.value.accessToken}`);
    assert.equal(verified.ok, true);
    c.close();
  } finally {
    await tb.stop();
  }
});
