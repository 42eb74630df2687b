/**
 * The CLI's connection to a RUNNING broker's admin channel (admin.sock + admin.key in their own
 * private dir, see app/broker/admin-protocol.ts). `connectAdmin` resolves to null when no broker is
 * running — or when the admin dir is not private to this user (nothing is sent to a socket another
 * user could have placed) — so commands can fall back to running the broker core in-process.
 */
import { readFile } from 'node:fs/promises';
import {
  ADMIN_METHODS,
  ADMIN_PROTOCOL_VERSION,
  adminErrorSchema,
  type AdminAnswer,
  type AdminMethodName,
  type AdminParams,
} from '../broker/admin-protocol.ts';
import { resultSchema } from '../shared/bridge-contract.ts';
import { adminEndpointFor } from '../broker/admin/admin-endpoint.ts';
import type { BrokerEndpoint } from '../shared/endpoint.ts';
import { connectRpc, type RpcClient } from '../shared/rpc-client.ts';
import { checkPrivate } from '../shared/private-dir.ts';

export interface AdminClient {
  call<M extends Exclude<AdminMethodName, 'hello'>>(method: M, params: AdminParams<M>): Promise<AdminAnswer<M>>;
  onNotification(listener: (method: string, params: unknown) => void): void;
  close(): void;
}

export async function connectAdmin(
  endpoint: BrokerEndpoint,
  isPipe: boolean,
  uid: number | undefined = process.getuid?.(),
): Promise<AdminClient | null> {
  const admin = adminEndpointFor(endpoint, isPipe);
  if (!isPipe && !(await checkPrivate(admin.dir, 'directory', { uid })).ok) return null;
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
  const hello = resultSchema(ADMIN_METHODS.hello.result, adminErrorSchema).safeParse(
    await rpc.call('hello', { protocolVersion: ADMIN_PROTOCOL_VERSION, key }).catch(() => null),
  );
  if (!hello.success || !hello.data.ok) {
    rpc.close();
    return null;
  }
  return {
    async call(method, params) {
      const raw = await rpc.call(method, params);
      // Only the confirmable methods answer with the admin-only error codes (admin-protocol.ts).
      return resultSchema(ADMIN_METHODS[method].result, adminErrorSchema).parse(raw) as AdminAnswer<typeof method>;
    },
    onNotification: (l) => rpc.onNotification(l),
    close: () => rpc.close(),
  };
}
