/**
 * Hostile IPC input: >= 10,000 random/mutated frames over many connections (seeded PRNG, so a
 * failure is reproducible) while a good client keeps getting tokens from the real AuthService.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection } from 'node:net';
import { readFile } from 'node:fs/promises';
import { startEmulator } from '../emulator/index.ts';
import type { RunningEmulator } from '../emulator/index.ts';
import { startTestBroker } from '../helpers/broker.ts';
import type { TestBroker } from '../helpers/broker.ts';
import { connectRpc } from '../../app/shared/rpc-client.ts';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION } from '../../app/shared/constants.ts';
import { resultSchema, tokenGetResultSchema } from '../../app/shared/bridge-contract.ts';

const SEED = Number(process.env.GB_FUZZ_SEED ?? 0x5eed);
const FRAMES = 10_000;
/** A protocol error closes the connection, so every frame gets its own connection to be processed at all. */
const CONNECTIONS = FRAMES;
const PARALLEL = 50;

/** mulberry32 */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeFrame(rand: () => number, key: string): Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const validHello = {
    jsonrpc: '2.0',
    id: 1,
    method: 'hello',
    params: { protocolVersion: PROTOCOL_VERSION, key, client: { name: 'fuzz', version: '1', pid: 1 } },
  };
  const kinds = [
    () => Buffer.from(Array.from({ length: Math.floor(rand() * 200) }, () => Math.floor(rand() * 256))),
    () => Buffer.from(JSON.stringify(validHello).slice(0, Math.floor(rand() * 120))),
    () =>
      Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'token.get', params: { scopes: ['User.Read'] } })),
    () => Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 'x', method: 'status.get' })),
    () =>
      Buffer.from(
        JSON.stringify({
          jsonrpc: pick([2, '1.0', null]),
          id: pick([{}, [], -1, 1.5]),
          method: pick([1, '', 'hello']),
        }),
      ),
    () =>
      Buffer.from(
        JSON.stringify({
          ...validHello,
          params: { ...validHello.params, key: pick(['', 'zz', key.toUpperCase(), key.slice(1) + '0']) },
        }),
      ),
    () =>
      Buffer.from(
        JSON.stringify({
          ...validHello,
          params: { ...validHello.params, client: pick([null, 'x', { name: 1 }, { name: '', version: '1', pid: 1 }]) },
        }),
      ),
    () => {
      // Mutations of a hello whose key is wrong: whatever the bytes become, it must not authenticate.
      const wrongKey = (key[0] === 'a' ? 'b' : 'a') + key.slice(1);
      const b = Buffer.from(JSON.stringify({ ...validHello, params: { ...validHello.params, key: wrongKey } }));
      for (let i = 0; i < 3; i++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      return b;
    },
    () => Buffer.from(pick(['null', '[]', '"hello"', '1e999', '{"__proto__":{"x":1}}', '{}'])),
  ];
  return pick(kinds)();
}

let emulator: RunningEmulator;
let tb: TestBroker;
before(async () => {
  emulator = await startEmulator();
  tb = await startTestBroker({ emulator, clientPolicy: 'allow' });
});
after(async () => {
  await tb.stop();
  await emulator.close();
});

let leaked = 0;
function blast(path: string, frames: Buffer[]): Promise<void> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    s.on('error', () => undefined);
    s.on('data', (d: Buffer) => {
      if (d.toString().includes('accessToken')) leaked++;
    });
    s.on('close', () => resolve());
    s.on('connect', () => {
      for (const f of frames) if (!s.destroyed) s.write(Buffer.concat([f, Buffer.from('\n')]));
      s.end();
    });
  });
}

void test(`${FRAMES} malformed frames over ${CONNECTIONS} connections: the broker keeps serving a good client (seed ${SEED})`, async () => {
  const rand = prng(SEED);
  const key = (await readFile(tb.endpoint.keyPath, 'utf8')).trim();
  const good = await connectRpc(tb.endpoint.path);
  await good.call('hello', {
    protocolVersion: PROTOCOL_VERSION,
    key,
    client: { name: 'good', version: '1', pid: process.pid },
  });
  let served = 0;
  let sent = 0;
  for (let batch = 0; batch < CONNECTIONS; batch += PARALLEL) {
    const jobs: Promise<void>[] = [];
    for (let c = 0; c < PARALLEL; c++) {
      // Two frames: the mutated one, then a valid-looking token.get that must never be served.
      const frames = [
        makeFrame(rand, key),
        Buffer.from('{"jsonrpc":"2.0","id":9,"method":"token.get","params":{"scopes":["User.Read"]}}'),
      ];
      sent++;
      jobs.push(blast(tb.endpoint.path, frames));
    }
    // Huge frames too: one over the cap per batch.
    jobs.push(blast(tb.endpoint.path, [Buffer.alloc(MAX_FRAME_BYTES + 1 + Math.floor(rand() * 1000), 0x7b)]));
    const r = resultSchema(tokenGetResultSchema).parse(await good.call('token.get', { scopes: ['User.Read'] }));
    assert.ok(r.ok, 'good client served during the fuzz');
    served++;
    await Promise.all(jobs);
  }
  assert.ok(sent >= FRAMES);
  assert.equal(served, CONNECTIONS / PARALLEL);
  const final = resultSchema(tokenGetResultSchema).parse(await good.call('token.get', { scopes: ['User.Read'] }));
  assert.ok(final.ok, 'still serving after the fuzz');
  assert.equal(leaked, 0, 'no fuzz connection ever received a token');
  assert.deepEqual(
    tb.broker.status().clients.map((c) => c.name),
    ['good'],
    'no fuzz frame got past hello',
  );
  good.close();
});
