/**
 * The admin protocol as a running broker serves it to the CLI (see admin-protocol.ts). Every method
 * maps onto the Broker facade; a login or consent is cancelled when the CLI disconnects (Ctrl-C), and
 * its progress (sign-in URL, failed browser, device code) is sent to the CLI as notifications.
 *
 * Methods that loosen access are guarded: without a confirmation they answer CONFIRMATION_REQUIRED and
 * the host shows a one-time code (confirmations.ts); with the right code for exactly that action they
 * run. Deny, revoke, pause and settings that only tighten run at once. The tray window's own buttons
 * call the Broker facade directly and never pass through here.
 */
import { ADMIN_METHODS, ADMIN_PROTOCOL_VERSION, type AdminParams } from '../admin-protocol.ts';
import { fail, ok } from '../../shared/result.ts';
import type { RpcPeer, RpcProtocol } from '../ipc/rpc-connection.ts';
import { adminMethods, type AdminProtocolDeps, type AdminSession } from './admin-methods.ts';

export type { AdminProtocolDeps, AdminSession } from './admin-methods.ts';
export { actionKey } from './admin-guard.ts';

export function createAdminProtocol(deps: AdminProtocolDeps): RpcProtocol<AdminSession> {
  return {
    name: 'admin',
    hello: {
      params: ADMIN_METHODS.hello.params,
      open: (params: AdminParams<'hello'>, peer) => openSession(deps, params, peer),
    },
    methods: adminMethods(deps),
    onClose: (s) => s.abort.abort(),
  };
}

/** Hello: a CLI of another admin protocol version is refused, telling the user which CLI to use. */
function openSession(deps: AdminProtocolDeps, params: AdminParams<'hello'>, peer: RpcPeer) {
  if (params.protocolVersion !== ADMIN_PROTOCOL_VERSION) {
    return {
      session: null,
      result: fail(
        'PROTOCOL_MISMATCH',
        `This graph-bridge CLI speaks admin protocol v${params.protocolVersion}, the running broker v${ADMIN_PROTOCOL_VERSION}. Use the CLI that came with the running tray/agent.`,
      ),
    };
  }
  return {
    session: { peer, abort: new AbortController() },
    result: ok({ protocolVersion: ADMIN_PROTOCOL_VERSION, brokerVersion: deps.version }),
  };
}
