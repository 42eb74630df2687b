/**
 * Closing an RPC server while a request of an `outlivesClose` method runs — the request that restarts
 * the server itself (a settings change that rebuilds the broker): the server stops listening at once
 * (a new server can take the path), every other connection closes, and the request is still answered,
 * after which its connection closes too and reads nothing more.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { createRpcServer, type RpcServer } from '../../../../app/broker/ipc/rpc-server.ts';
import { ipcLimitsWith } from '../../../../app/broker/ipc/broker-sockets.ts';
import type { RpcProtocol } from '../../../../app/broker/ipc/rpc-connection.ts';
import { silentLogger } from '../../../../app/broker/log/logger.ts';
import { ok } from '../../../../app/shared/result.ts';
import { connectRpc } from '../../../../app/shared/rpc-client.ts';

const KEY = 'k'.repeat(64);

function protocol(restart: () => Promise<string>): RpcProtocol<object> {
  return {
    name: 'test',
    hello: { params: z.object({ key: z.string() }), open: () => ({ session: {}, result: ok({}) }) },
    methods: {
      restart: { params: z.object({}), handle: async () => ok(await restart()), outlivesClose: true },
      ping: { params: z.object({}), handle: () => ok('pong') },
    },
  };
}

const serve = (path: string, p: RpcProtocol<object>): RpcServer =>
  createRpcServer({
    path,
    isPipe: false,
    protocol: p,
    expectedKey: KEY,
    logger: silentLogger,
    limits: ipcLimitsWith(),
  });

void test(
  'a request that closes its own server is answered; the path is free at once; other connections close',
  { skip: process.platform === 'win32' ? 'Unix socket paths' : false },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gb-rpc-close-'));
    const path = join(dir, 's.sock');
    let next: RpcServer | null = null;
    const start = (restart: () => Promise<string>): RpcServer => serve(path, protocol(restart));
    const first = start(async () => {
      await first.close();
      next = start(() => Promise.resolve('second'));
      const listened = await next.listen();
      return listened.ok ? 'restarted' : listened.error.message;
    });
    assert.ok((await first.listen()).ok);
    try {
      const asking = await connectRpc(path);
      const other = await connectRpc(path);
      await asking.call('hello', { key: KEY });
      await other.call('hello', { key: KEY });

      assert.deepEqual(await asking.call('restart', {}), { ok: true, value: 'restarted' });
      await other.closed;
      await asking.closed;

      const later = await connectRpc(path);
      await later.call('hello', { key: KEY });
      assert.deepEqual(await later.call('ping', {}), { ok: true, value: 'pong' }, 'the new server serves the path');
      later.close();
    } finally {
      await (next as RpcServer | null)?.close();
      await first.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
);

void test(
  'without outlivesClose, closing the server ends the request that asked for it unanswered',
  { skip: process.platform === 'win32' ? 'Unix socket paths' : false },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gb-rpc-close-'));
    const path = join(dir, 's.sock');
    const server: RpcServer = serve(path, {
      ...protocol(() => Promise.resolve('')),
      methods: {
        restart: { params: z.object({}), handle: async () => (await server.close(), ok('closed')) },
      },
    });
    assert.ok((await server.listen()).ok);
    try {
      const c = await connectRpc(path);
      await c.call('hello', { key: KEY });
      await assert.rejects(c.call('restart', {}), /closed the connection/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
