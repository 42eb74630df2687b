import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import {
  MAX_FRAME_BYTES,
  MAX_IN_FLIGHT_PER_CONNECTION,
  PROTOCOL_VERSION,
  RPC_ERROR,
} from '../../../../app/broker/protocol.ts';
import { RpcCallError } from '../../../../app/broker/ipc/rpc-client.ts';
import { startHarness } from '../broker-harness.ts';

/** Sends raw bytes, collects everything the broker answers until it closes the connection. */
function rawExchange(path: string, payload: Buffer | string): Promise<string> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    let out = '';
    s.on('data', (d) => (out += d.toString()));
    s.on('error', () => undefined);
    s.on('close', () => resolve(out));
    s.on('connect', () => s.write(payload));
  });
}

void test('oversized, unparsable and invalid frames close only that connection', async () => {
  const h = await startHarness({ config: { clientPolicy: 'allow' } });
  try {
    const good = await h.bridge('good');
    const huge = await rawExchange(h.broker.endpoint.path, Buffer.alloc(MAX_FRAME_BYTES + 10, 0x61));
    assert.match(huge, /-32600/);
    assert.match(await rawExchange(h.broker.endpoint.path, '{not json\n'), /-32700/);
    assert.match(await rawExchange(h.broker.endpoint.path, '{"jsonrpc":"1.0","id":1,"method":"hello"}\n'), /-32600/);
    const r = (await good.client.call('token.get', { scopes: ['User.Read'] })) as { ok: boolean };
    assert.equal(r.ok, true, 'the good connection is unaffected');
  } finally {
    await h.close();
  }
});

void test('after hello: unknown methods and bad params are protocol errors that close the connection', async () => {
  const h = await startHarness({ config: { clientPolicy: 'allow' } });
  try {
    const a = await h.bridge('a');
    await assert.rejects(
      a.client.call('token.steal', {}),
      (e: unknown) => e instanceof RpcCallError && e.rpcCode === RPC_ERROR.METHOD_NOT_FOUND,
    );
    await a.client.closed;
    const b = await h.bridge('b');
    await assert.rejects(
      b.client.call('token.get', { scopes: 'User.Read' }),
      (e: unknown) => e instanceof RpcCallError && e.rpcCode === RPC_ERROR.INVALID_PARAMS,
    );
    await b.client.closed;
    const c = await h.bridge('c');
    const again = (await c.client.call('hello', {
      protocolVersion: PROTOCOL_VERSION,
      key: await h.key(),
      client: { name: 'c', version: '1', pid: 1 },
      tools: [],
    })) as { ok: boolean; error?: { code: string } };
    assert.equal(again.error?.code, 'BAD_REQUEST');
  } finally {
    await h.close();
  }
});

void test(`more than ${MAX_IN_FLIGHT_PER_CONNECTION} requests in flight get BUSY`, async () => {
  const h = await startHarness({ config: { clientPolicy: 'allow' } });
  try {
    h.auth.getToken = () => new Promise(() => undefined);
    const { client } = await h.bridge('greedy');
    const calls = Array.from({ length: MAX_IN_FLIGHT_PER_CONNECTION + 1 }, () =>
      client.call('token.get', { scopes: ['User.Read'] }).catch((e: unknown) => e),
    );
    const busy = await calls[MAX_IN_FLIGHT_PER_CONNECTION];
    assert.ok(busy instanceof RpcCallError && busy.rpcCode === RPC_ERROR.BUSY);
  } finally {
    await h.close();
  }
});

void test('a protocol version mismatch is refused with PROTOCOL_MISMATCH and a remedy', async () => {
  const h = await startHarness();
  try {
    const out = await rawExchange(
      h.broker.endpoint.path,
      `${JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'hello',
        params: { protocolVersion: 99, key: await h.key(), client: { name: 'x', version: '1', pid: 1 }, tools: [] },
      })}\n`,
    );
    assert.match(out, /PROTOCOL_MISMATCH/);
    assert.match(out, /Update Graph Bridge/);
  } finally {
    await h.close();
  }
});

void test('a second broker on the same endpoint refuses to start; a stale socket is replaced', async () => {
  const h = await startHarness();
  try {
    const { createBroker } = await import('../../../../app/broker/broker.ts');
    const { createFakeAuth } = await import('../fake-auth-service.ts');
    const { silentLogger, createSecretRegistry } = await import('../../../../app/broker/log/logger.ts');
    const { defaultBrokerConfig } = await import('../../../../app/broker/broker-config.ts');
    const keyBefore = await h.key();
    const second = createBroker({
      auth: createFakeAuth(),
      endpoint: h.broker.endpoint,
      isPipe: false,
      uid: process.getuid?.(),
      stateDir: `${h.home}/state`,
      config: () => defaultBrokerConfig(),
      version: 't',
      logger: silentLogger,
      secrets: createSecretRegistry(),
      interactiveApprovals: false,
    });
    await assert.rejects(second.start(), /Another Graph Bridge broker is running/);
    assert.equal(await h.key(), keyBefore, 'the running broker keeps its key file');
  } finally {
    await h.close();
  }
});
