/**
 * A hand-written fake of the broker's IPC side (protocol v1) for bridge tests: a real Unix socket in
 * <home>/run with a 0700 dir and a 0600 broker.key, newline JSON-RPC, Result-wrapped answers.
 * Handlers are replaceable per test; every request is recorded.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { HelloResult } from '../../../app/shared/bridge-contract.ts';
import type { Result } from '../../../app/shared/result.ts';

export interface FakeBrokerRequest {
  method: string;
  params: Record<string, unknown>;
}

export type FakeHandler = (params: Record<string, unknown>) => Result<unknown> | Promise<Result<unknown>>;

export interface FakeBroker {
  dir: string;
  socketPath: string;
  key: string;
  requests: FakeBrokerRequest[];
  handlers: Record<string, FakeHandler>;
  hello: HelloResult;
  stop(): Promise<void>;
  /** Stops and starts again with a NEW key (what a broker restart does). */
  restart(): Promise<void>;
}

export async function startFakeBroker(options: { home: string; graphBaseUrl: string }): Promise<FakeBroker> {
  const dir = join(options.home, 'run');
  const socketPath = join(dir, 'broker.sock');
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  const broker: FakeBroker = {
    dir,
    socketPath,
    key: '',
    requests: [],
    hello: {
      protocolVersion: 1,
      brokerVersion: 'fake-1',
      account: null,
      approval: 'approved',
      graphBaseUrl: options.graphBaseUrl,
      toolGroups: ['profile', 'mail', 'calendar', 'files', 'teams', 'tasks', 'graph'],
      readOnly: false,
      api: null,
      approvalTimeoutSeconds: 120,
    },
    handlers: {
      'tools.declare': () => ({ ok: true, value: {} }),
      'session.get': () => ({ ok: true, value: broker.hello }),
      'token.get': () => ({
        ok: true,
        value: {
          accessToken: 'fake-access-token-0001',
          expiresOn: new Date(Date.now() + 3600_000).toISOString(),
          grantedScopes: ['User.Read'],
          account: { homeAccountId: 'a.b', username: 'ada@contoso.com', tenantId: 't', environment: 'localhost' },
        },
      }),
      'approval.request': () => ({ ok: true, value: { approved: true } }),
      'audit.record': () => ({ ok: true, value: {} }),
    },
    async stop() {
      for (const s of sockets) s.destroy();
      sockets.clear();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = undefined;
      await rm(socketPath, { force: true });
    },
    async restart() {
      await broker.stop();
      await start();
    },
  };

  const handle = async (socket: Socket, line: string, authed: { ok: boolean }): Promise<void> => {
    const msg = JSON.parse(line) as { id: number; method: string; params: Record<string, unknown> };
    broker.requests.push({ method: msg.method, params: msg.params });
    const reply = (body: Record<string, unknown>): void => {
      socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: msg.id, ...body })}\n`);
    };
    if (msg.method === 'hello') {
      if (msg.params.key !== broker.key) {
        reply({ error: { code: -32001, message: 'bad key' } });
        socket.end();
        return;
      }
      authed.ok = true;
      const custom = broker.handlers.hello;
      reply({ result: custom ? await custom(msg.params) : { ok: true, value: broker.hello } });
      return;
    }
    if (!authed.ok) {
      reply({ error: { code: -32001, message: 'hello first' } });
      return;
    }
    const handler = broker.handlers[msg.method];
    if (!handler) {
      reply({ error: { code: -32601, message: 'unknown method' } });
      return;
    }
    reply({ result: await handler(msg.params) });
  };

  const start = async (): Promise<void> => {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    broker.key = randomBytes(32).toString('hex');
    await writeFile(join(dir, 'broker.key'), broker.key, { mode: 0o600 });
    await rm(socketPath, { force: true });
    const srv = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      const authed = { ok: false };
      let buffer = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        buffer += chunk;
        let nl = buffer.indexOf('\n');
        while (nl !== -1) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          void handle(socket, line, authed);
          nl = buffer.indexOf('\n');
        }
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => srv.listen(socketPath, resolve));
    server = srv;
  };
  await start();
  return broker;
}
