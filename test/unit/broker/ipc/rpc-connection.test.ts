import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import {
  MAX_FRAME_BYTES,
  MAX_IN_FLIGHT_PER_CONNECTION,
  MAX_PRE_HELLO_FRAME_BYTES,
  PROTOCOL_VERSION,
  RPC_ERROR,
} from '../../../../app/shared/constants.ts';
import { RpcProtocolError } from '../../../../app/shared/rpc-client.ts';
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
      (e: unknown) => e instanceof RpcProtocolError && e.rpcCode === RPC_ERROR.METHOD_NOT_FOUND,
    );
    await a.client.closed;
    const b = await h.bridge('b');
    await assert.rejects(
      b.client.call('token.get', { scopes: 'User.Read' }),
      (e: unknown) => e instanceof RpcProtocolError && e.rpcCode === RPC_ERROR.INVALID_PARAMS,
    );
    await b.client.closed;
    const c = await h.bridge('c');
    const again = (await c.client.call('hello', {
      protocolVersion: PROTOCOL_VERSION,
      key: await h.key(),
      client: { name: 'c', version: '1', pid: 1 },
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
    assert.ok(busy instanceof RpcProtocolError && busy.rpcCode === RPC_ERROR.BUSY);
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
        params: { protocolVersion: 99, key: await h.key(), client: { name: 'x', version: '1', pid: 1 } },
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

/** Connects and resolves with everything the broker sent once it closed the connection (sending nothing). */
function idleUntilClosed(path: string): Promise<string> {
  return rawExchange(path, '');
}

void test('before hello a frame is capped at a few KiB; after hello (even in the same chunk) at 1 MiB', async () => {
  const h = await startHarness({ config: { clientPolicy: 'allow' } });
  try {
    const big = await rawExchange(h.broker.endpoint.path, Buffer.alloc(MAX_PRE_HELLO_FRAME_BYTES + 1, 0x61));
    assert.match(big, /-32600.*before hello/);
    const hello = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'hello',
      params: { protocolVersion: PROTOCOL_VERSION, key: await h.key(), client: { name: 'p', version: '1', pid: 1 } },
    });
    const tools = Array.from({ length: 100 }, (_, i) => ({
      name: `tool_${i}_${'x'.repeat(80)}`,
      group: 'mail',
      scopes: Array.from({ length: 20 }, (_unused, j) => `Scope${j}.${'y'.repeat(250)}`),
      readOnly: true,
    }));
    const declare = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools.declare', params: { tools } });
    assert.ok(declare.length > 64 * MAX_PRE_HELLO_FRAME_BYTES && declare.length < MAX_FRAME_BYTES);
    const answers = await new Promise<string>((resolve) => {
      const s = createConnection(h.broker.endpoint.path);
      let out = '';
      s.on('data', (d) => {
        out += d.toString();
        if (out.split('\n').length > 2) {
          s.destroy();
          resolve(out);
        }
      });
      s.on('connect', () => s.write(`${hello}\n${declare}\n`));
    });
    const [first, second] = answers
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: number; result: { ok: boolean } });
    assert.deepEqual([first?.id, first?.result.ok, second?.id, second?.result.ok], [1, true, 2, true]);
  } finally {
    await h.close();
  }
});

void test('a connection that never says hello is closed at the hello deadline; a good client is served', async () => {
  const h = await startHarness({ config: { clientPolicy: 'allow' }, ipcLimits: { helloTimeoutMs: 50 } });
  try {
    const out = await idleUntilClosed(h.broker.endpoint.path);
    assert.match(out, /-32001.*no hello within 0\.1 s/);
    const good = await h.bridge('good');
    const r = (await good.client.call('token.get', { scopes: ['User.Read'] })) as { ok: boolean };
    assert.equal(r.ok, true);
  } finally {
    await h.close();
  }
});

void test('one connection over the cap of connections awaiting hello closes the oldest waiting one', async () => {
  const h = await startHarness({ config: { clientPolicy: 'allow' }, ipcLimits: { maxUnauthenticated: 3 } });
  try {
    const opened: { socket: ReturnType<typeof createConnection>; closed: Promise<string> }[] = [];
    for (let i = 0; i < 3; i++) {
      const socket = createConnection(h.broker.endpoint.path);
      let out = '';
      socket.on('data', (d) => (out += d.toString()));
      const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(out)));
      await new Promise((resolve) => socket.once('connect', resolve));
      opened.push({ socket, closed });
    }
    await waitUntil(() => h.broker.connectionCount() >= 3);
    const good = await h.bridge('good');
    assert.match(await opened[0]!.closed, /-32001.*the oldest, was closed/);
    const r = (await good.client.call('token.get', { scopes: ['User.Read'] })) as { ok: boolean };
    assert.equal(r.ok, true, 'the newcomer that said hello is served');
    for (const o of opened) o.socket.destroy();
  } finally {
    await h.close();
  }
});

async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}

void test('the admin socket has the same limits: an idle connection is closed at the hello deadline', async () => {
  const h = await startHarness({ ipcLimits: { helloTimeoutMs: 50 } });
  try {
    assert.match(await idleUntilClosed(h.broker.adminEndpoint.path), /-32001.*no hello within/);
    const big = await rawExchange(h.broker.adminEndpoint.path, Buffer.alloc(MAX_PRE_HELLO_FRAME_BYTES + 1, 0x61));
    assert.match(big, /-32600.*before hello/);
  } finally {
    await h.close();
  }
});
