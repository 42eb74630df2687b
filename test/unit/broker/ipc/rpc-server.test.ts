import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstat, stat, writeFile } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import { createRpcServer, type RpcServer } from '../../../../app/broker/ipc/rpc-server.ts';
import type { RpcProtocol } from '../../../../app/broker/ipc/rpc-connection.ts';
import { silentLogger, type Logger } from '../../../../app/broker/log/logger.ts';
import { ok } from '../../../../app/shared/result.ts';
import { withTempDir } from '../../../helpers/temp-dir.ts';
import { waitFor } from '../../../helpers/wait-for.ts';

const KEY = 'k'.repeat(64);
const protocol: RpcProtocol<object> = {
  name: 'test',
  hello: { params: z.object({ key: z.string() }), open: () => ({ session: {}, result: ok({}) }) },
  methods: {},
};

function server(path: string, options: { isPipe?: boolean; maxUnauthenticated?: number; logger?: Logger } = {}) {
  return createRpcServer({
    path,
    isPipe: options.isPipe ?? false,
    protocol,
    expectedKey: KEY,
    logger: options.logger ?? silentLogger,
    limits: {
      maxFrameBytes: 1024 * 1024,
      maxPreHelloFrameBytes: 8 * 1024,
      helloTimeoutMs: 60_000,
      maxInFlight: 4,
      maxUnauthenticated: options.maxUnauthenticated ?? 8,
    },
    // Hello deadlines never fire here: what closes a connection is the test's doing.
    setTimer: () => ({ clear: () => undefined }),
  });
}

/** A connected client that records what it received and when it was closed. */
async function connect(path: string): Promise<{ socket: Socket; closed: Promise<string> }> {
  const socket = createConnection(path);
  let out = '';
  socket.on('data', (d: Buffer) => (out += d.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(out)));
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, closed };
}

async function listening(path: string, options?: Parameters<typeof server>[1]): Promise<RpcServer> {
  const s = server(path, options);
  assert.deepEqual(await s.listen(), { ok: true, value: undefined });
  return s;
}

void test('listens on a 0600 socket, counts connections and those waiting for hello, close ends them all', () =>
  withTempDir('gb-rpc-', async (dir) => {
    const path = join(dir, 'b.sock');
    const s = await listening(path);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const a = await connect(path);
    const b = await connect(path);
    await waitFor(() => s.connectionCount() === 2, 'two connections');
    assert.equal(s.waitingForHello(), 2);
    b.socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'hello', params: { key: KEY } })}\n`);
    await waitFor(() => s.waitingForHello() === 1, 'hello to count');
    assert.equal(s.connectionCount(), 2);
    await s.close();
    await Promise.all([a.closed, b.closed]);
    await waitFor(
      () => s.connectionCount() === 0 && s.waitingForHello() === 0,
      'the closed connections to be forgotten',
    );
    await s.close();
  }));

void test('one connection over the cap of those waiting for hello closes the oldest, telling it why', () =>
  withTempDir('gb-rpc-', async (dir) => {
    const path = join(dir, 'b.sock');
    const s = await listening(path, { maxUnauthenticated: 2 });
    try {
      const first = await connect(path);
      await waitFor(() => s.connectionCount() === 1, 'first connection');
      const second = await connect(path);
      await waitFor(() => s.connectionCount() === 2, 'second connection');
      const third = await connect(path);
      const said = await first.closed;
      assert.match(
        said,
        /Unauthenticated: more than 2 connections were waiting to say hello; this one, the oldest, was closed\./,
      );
      await waitFor(() => s.connectionCount() === 2, 'the oldest to be gone');
      assert.equal(s.waitingForHello(), 2);
      second.socket.destroy();
      third.socket.destroy();
    } finally {
      await s.close();
    }
  }));

void test('a socket left behind by a crashed broker is replaced', () =>
  withTempDir('gb-rpc-', async (dir) => {
    const path = join(dir, 'b.sock');
    // A broker killed while listening leaves its socket file with nobody behind it.
    const crashed = spawnSync(process.execPath, [
      '-e',
      `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    assert.equal(crashed.signal, 'SIGKILL');
    assert.ok((await lstat(path)).isSocket());
    const s = await listening(path);
    try {
      const c = await connect(path);
      await waitFor(() => s.connectionCount() === 1, 'a connection on the new socket');
      c.socket.destroy();
    } finally {
      await s.close();
    }
  }));

void test('refuses a path that is not a socket, a live broker, a path in use and a folder that does not exist', () =>
  withTempDir('gb-rpc-', async (dir) => {
    const file = join(dir, 'file');
    await writeFile(file, 'x');
    assert.deepEqual(await server(file).listen(), {
      ok: false,
      error: {
        code: 'INTERNAL',
        message: `${file} exists and is not a socket. Remove it and start Graph Bridge again.`,
      },
    });

    const path = join(dir, 'b.sock');
    const live = await listening(path);
    try {
      assert.deepEqual(await server(path).listen(), {
        ok: false,
        error: {
          code: 'INTERNAL',
          message:
            `Another Graph Bridge broker is running (it answers on ${path}). Quit the tray or stop the other ` +
            `"graph-bridge agent" first, or use it instead.`,
        },
      });
      // A pipe is not checked for a stale file first: the address in use is what refuses it.
      assert.deepEqual(await server(path, { isPipe: true }).listen(), {
        ok: false,
        error: {
          code: 'INTERNAL',
          message:
            `Another Graph Bridge broker is already listening on ${path}. Stop it (quit the tray or the other ` +
            `"graph-bridge agent") and try again.`,
        },
      });
    } finally {
      await live.close();
    }

    const nowhere = join(dir, 'missing', 'b.sock');
    const r = await server(nowhere).listen();
    assert.ok(!r.ok && r.error.code === 'INTERNAL' && r.error.message.startsWith(`Could not listen on ${nowhere}: `));
  }));
