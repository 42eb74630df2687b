import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { MAX_FRAME_BYTES } from '../../../app/shared/constants.ts';
import {
  ConnectionClosedError,
  createRpcClient,
  RequestTimeoutError,
  RpcProtocolError,
} from '../../../app/shared/rpc-client.ts';

/** A stream whose written frames are collected and whose "peer" pushes raw bytes. */
function peerStream(): { stream: Duplex; sent: unknown[]; reply(text: string | Buffer): void } {
  const sent: unknown[] = [];
  const stream = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') sent.push(JSON.parse(line));
      done();
    },
  });
  return { stream, sent, reply: (text) => stream.push(text) };
}

void test('answers resolve their request; a JSON-RPC error rejects it with its code', async () => {
  const peer = peerStream();
  const client = createRpcClient(peer.stream);
  const a = client.call('a', { x: 1 });
  const b = client.call('b');
  assert.deepEqual(peer.sent, [
    { jsonrpc: '2.0', id: 1, method: 'a', params: { x: 1 } },
    { jsonrpc: '2.0', id: 2, method: 'b' },
  ]);
  peer.reply('{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"no such method"}}\n{"jsonrpc":"2.0",');
  peer.reply('"id":1,"result":{"ok":true}}\n');
  assert.deepEqual(await a, { ok: true });
  await assert.rejects(b, (e: unknown) => e instanceof RpcProtocolError && e.rpcCode === -32601);
  assert.equal(client.isClosed, false);
  client.close();
});

void test('an error without a known id (the peer refusing the connection) rejects every request in flight', async () => {
  const peer = peerStream();
  const client = createRpcClient(peer.stream);
  const calls = [client.call('a'), client.call('b')];
  peer.reply('{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Frame too large"}}\n');
  for (const call of calls)
    await assert.rejects(call, (e: unknown) => e instanceof RpcProtocolError && e.rpcCode === -32600);
  client.close();
});

void test('notifications reach their listeners and leave requests alone', async () => {
  const peer = peerStream();
  const client = createRpcClient(peer.stream);
  const seen: [string, unknown][] = [];
  client.onNotification((method, params) => seen.push([method, params]));
  const call = client.call('login');
  peer.reply('{"jsonrpc":"2.0","method":"login.browser","params":{"kind":"url","url":"https://x"}}\n');
  peer.reply('{"jsonrpc":"2.0","id":1,"result":1}\n');
  assert.equal(await call, 1);
  assert.deepEqual(seen, [['login.browser', { kind: 'url', url: 'https://x' }]]);
  client.close();
});

for (const [what, frame] of [
  ['a frame that is not JSON', 'not json\n'],
  ['a frame outside the response schema', '{"jsonrpc":"1.0","id":1,"result":1}\n'],
  ['an unterminated frame past the byte cap', Buffer.alloc(MAX_FRAME_BYTES + 1, 0x61)],
  // 1 MiB of 3-byte characters is ~350 K characters: the cap counts bytes, not characters.
  ['an unterminated multi-byte frame past the byte cap', '€'.repeat(MAX_FRAME_BYTES / 3 + 10)],
] as const) {
  void test(`${what} closes the connection and fails the requests in flight`, async () => {
    const peer = peerStream();
    const client = createRpcClient(peer.stream);
    let closes = 0;
    client.onClose(() => closes++);
    const call = client.call('a');
    peer.reply(frame);
    await assert.rejects(call, ConnectionClosedError);
    await client.closed;
    assert.equal(client.isClosed, true);
    assert.equal(closes, 1);
    await assert.rejects(client.call('b'), ConnectionClosedError);
  });
}

void test('a deadline fails only that request; the connection stays open and a late answer is dropped', async () => {
  const peer = peerStream();
  const deadlines: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const client = createRpcClient(peer.stream, {
    setTimer: (fn, ms) => {
      const timer = { fn, ms, cleared: false };
      deadlines.push(timer);
      return { clear: () => (timer.cleared = true) };
    },
  });
  const slow = client.call('slow', undefined, { timeoutMs: 30_000 });
  assert.equal(deadlines[0]?.ms, 30_000);
  deadlines[0]?.fn();
  await assert.rejects(slow, RequestTimeoutError);
  peer.reply('{"jsonrpc":"2.0","id":1,"result":"late"}\n');
  const next = client.call('next', undefined, { timeoutMs: 30_000 });
  peer.reply('{"jsonrpc":"2.0","id":2,"result":"ok"}\n');
  assert.equal(await next, 'ok');
  assert.equal(deadlines[1]?.cleared, true, 'an answered request clears its deadline');
  assert.equal(client.isClosed, false);
  client.close();
});

void test('an abort signal rejects with its reason and frees the request', async () => {
  const peer = peerStream();
  const client = createRpcClient(peer.stream);
  const controller = new AbortController();
  const call = client.call('approval.request', {}, { signal: controller.signal });
  controller.abort(new Error('cancelled by the editor'));
  await assert.rejects(call, /cancelled by the editor/);
  await assert.rejects(client.call('x', {}, { signal: controller.signal }), /cancelled by the editor/);
  client.close();
});
