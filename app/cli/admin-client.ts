/**
 * The CLI's connection to a RUNNING broker's admin channel (admin.sock + admin.key, see
 * app/broker/admin-protocol.ts). `connectAdmin` resolves to null when no broker is running, so
 * commands can fall back to running the broker core in-process.
 */
import { readFile } from 'node:fs/promises';
import { ADMIN_METHODS, ADMIN_PROTOCOL_VERSION } from '../broker/admin-protocol.ts';
import type { AdminMethodName, AdminParams, AdminValue } from '../broker/admin-protocol.ts';
import { adminEndpointFor } from '../broker/broker.ts';
import { resultSchema } from '../broker/protocol.ts';
import type { BrokerEndpoint, Result } from '../broker/protocol.ts';
import { connectRpc } from '../broker/ipc/rpc-client.ts';
import type { RpcClient } from '../broker/ipc/rpc-client.ts';

export interface AdminClient {
  call<M extends Exclude<AdminMethodName, 'hello'>>(method: M, params: AdminParams<M>): Promise<Result<AdminValue<M>>>;
  onNotification(listener: (method: string, params: unknown) => void): void;
  close(): void;
}

export async function connectAdmin(endpoint: BrokerEndpoint, isPipe: boolean): Promise<AdminClient | null> {
  const admin = adminEndpointFor(endpoint, isPipe);
  let key: string;
  try {
    key = (await readFile(admin.keyPath, 'utf8')).trim();
  } catch {
    return null;
  }
  let rpc: RpcClient;
  try {
    rpc = await connectRpc(admin.path, { timeoutMs: 2000 });
  } catch {
    return null;
  }
  const hello = resultSchema(ADMIN_METHODS.hello.result).safeParse(
    await rpc.call('hello', { protocolVersion: ADMIN_PROTOCOL_VERSION, key }).catch(() => null),
  );
  if (!hello.success || !hello.data.ok) {
    rpc.close();
    return null;
  }
  return {
    async call(method, params) {
      const raw = await rpc.call(method, params);
      return resultSchema(ADMIN_METHODS[method].result).parse(raw) as Result<never>;
    },
    onNotification: (l) => rpc.onNotification(l),
    close: () => rpc.close(),
  };
}
