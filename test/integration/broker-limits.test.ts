/**
 * security.md "resource exhaustion by unauthenticated peers", over REAL sockets:
 *  - 1,000 idle connections (never a byte) are all closed — by the hello deadline (shortened here
 *    through the broker's injected ipcLimits option) and by the cap on connections awaiting hello —
 *    while a good client connecting in the middle of them is served;
 *  - 200 connections each sending 1 MiB without a newline cost the broker process (a real
 *    `graph-bridge agent` child, production limits) at most 32 MiB of peak RSS.
 * Figures are printed as test diagnostics; nothing here measures time.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, type Socket } from 'node:net';
import { readFile } from 'node:fs/promises';
import { startEmulator, type RunningEmulator } from '../emulator/index.ts';
import { startTestBroker } from '../helpers/broker.ts';
import { startAgentProcess } from '../helpers/agent-process.ts';
import { connectRpc } from '../../app/shared/rpc-client.ts';
import { MAX_UNAUTHENTICATED_CONNECTIONS, PROTOCOL_VERSION, RPC_ERROR } from '../../app/shared/constants.ts';
import { resultSchema, tokenGetResultSchema } from '../../app/shared/bridge-contract.ts';
import type { BrokerEndpoint } from '../../app/shared/endpoint.ts';

let emulator: RunningEmulator;
before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  await emulator?.close();
});

/** A good client: hello with the key, then a token. */
async function served(endpoint: BrokerEndpoint): Promise<boolean> {
  const c = await connectRpc(endpoint.path);
  try {
    await c.call('hello', {
      protocolVersion: PROTOCOL_VERSION,
      key: (await readFile(endpoint.keyPath, 'utf8')).trim(),
      client: { name: 'good-editor', version: '1', pid: process.pid },
    });
    const r = resultSchema(tokenGetResultSchema).parse(await c.call('token.get', { scopes: ['User.Read'] }));
    return r.ok;
  } finally {
    c.close();
  }
}

interface Idle {
  socket: Socket;
  /** The broker's last frame before it closed the connection. */
  closed: Promise<string>;
}

function openIdle(path: string): Promise<Idle> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let out = '';
    socket.on('data', (d: Buffer) => (out += d.toString()));
    socket.on('error', () => undefined);
    const closed = new Promise<string>((r) => socket.once('close', () => r(out.trim().split('\n').at(-1) ?? '')));
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/**
 * Opens `count` idle connections one after the other (the broker accepts them on the same event loop
 * as this test, and a burst would overflow the listen backlog: EAGAIN), a good client half way.
 */
async function flood(endpoint: BrokerEndpoint, count: number): Promise<{ idle: Idle[]; goodServed: boolean }> {
  const idle: Idle[] = [];
  let goodServed = false;
  for (let i = 0; i < count; i++) {
    idle.push(await openIdle(endpoint.path));
    if (i === count / 2) goodServed = await served(endpoint);
  }
  return { idle, goodServed };
}

function reasons(lines: string[]): { deadline: number; evicted: number; other: string[] } {
  const out = { deadline: 0, evicted: 0, other: [] as string[] };
  for (const line of lines) {
    const msg = JSON.parse(line || '{}') as { error?: { code: number; message: string } };
    if (msg.error?.code !== RPC_ERROR.UNAUTHENTICATED) out.other.push(line);
    else if (/no hello within/.test(msg.error.message)) out.deadline++;
    else if (/the oldest, was closed/.test(msg.error.message)) out.evicted++;
    else out.other.push(line);
  }
  return out;
}

void test('1,000 idle connections are closed by the hello deadline (cap raised) while a good client is served', async (t) => {
  const tb = await startTestBroker({ emulator, ipcLimits: { helloTimeoutMs: 1000, maxUnauthenticated: 2000 } });
  try {
    const { idle, goodServed } = await flood(tb.endpoint, 1000);
    assert.equal(goodServed, true, 'a good client is served while 500 idle connections are open');
    const r = reasons(await Promise.all(idle.map((i) => i.closed)));
    t.diagnostic(`1,000 idle connections: ${r.deadline} closed by the 1 s hello deadline, ${r.evicted} by the cap`);
    assert.deepEqual(r, { deadline: 1000, evicted: 0, other: [] });
    assert.equal(await served(tb.endpoint), true);
  } finally {
    await tb.stop();
  }
});

void test(`with the production cap (${MAX_UNAUTHENTICATED_CONNECTIONS} awaiting hello) 1,000 idle connections are all closed too`, async (t) => {
  const tb = await startTestBroker({ emulator, ipcLimits: { helloTimeoutMs: 1000 } });
  try {
    const { idle, goodServed } = await flood(tb.endpoint, 1000);
    assert.equal(goodServed, true);
    const r = reasons(await Promise.all(idle.map((i) => i.closed)));
    t.diagnostic(
      `1,000 idle connections: ${r.evicted} closed by the cap of ${MAX_UNAUTHENTICATED_CONNECTIONS}, ${r.deadline} by the deadline`,
    );
    assert.deepEqual(r.other, []);
    assert.equal(r.deadline + r.evicted, 1000);
    assert.ok(r.deadline <= MAX_UNAUTHENTICATED_CONNECTIONS, 'never more than the cap were left waiting');
  } finally {
    await tb.stop();
  }
});

void test('200 connections each sending 1 MiB without a newline cost the broker process ≤ 32 MiB', async (t) => {
  const agent = await startAgentProcess({ emulator });
  try {
    assert.equal(await served(agent.endpoint), true, 'warm: the agent serves a good client');
    await agent.resetPeak();
    const before = await agent.memory();
    const payload = Buffer.alloc(1024 * 1024, 0x7b); // "{{{{…", never a newline
    const senders = Array.from(
      { length: 200 },
      () =>
        new Promise<string>((resolve) => {
          const s = createConnection(agent.endpoint.path);
          let out = '';
          s.on('data', (d: Buffer) => (out += d.toString()));
          s.on('error', () => undefined);
          // Done when the whole MiB went out or the broker closed the connection first.
          s.once('close', () => resolve(out));
          s.once('connect', () => s.write(payload, () => s.end()));
        }),
    );
    const answers = await Promise.all(senders);
    assert.equal(await served(agent.endpoint), true, 'still serving after the flood');
    const after = await agent.memory();
    const grewBy = after.peak - before.rss;
    const mib = (n: number): string => (n / 1024 / 1024).toFixed(1);
    t.diagnostic(
      `200 × 1 MiB without a newline: agent RSS ${mib(before.rss)} MiB before, peak ${mib(after.peak)} MiB during (+${mib(grewBy)} MiB)`,
    );
    assert.ok(grewBy <= 32 * 1024 * 1024, `the broker grew by ${mib(grewBy)} MiB`);
    const refused = answers.filter((a) => /-32600.*before hello|-32001/.test(a)).length;
    t.diagnostic(`${refused} of 200 got the frame-cap/unauthenticated error before being closed`);
    assert.equal(refused, 200);
  } finally {
    await agent.stop();
  }
});
