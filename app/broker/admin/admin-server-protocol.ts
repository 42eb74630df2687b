/**
 * The admin protocol as a running broker serves it to the CLI (see admin-protocol.ts). Every method
 * maps onto the Broker facade; a login or consent is cancelled when the CLI disconnects (Ctrl-C), and
 * its progress (sign-in URL, failed browser, device code) is sent to the CLI as notifications.
 */
import {
  ADMIN_METHODS,
  ADMIN_PROTOCOL_VERSION,
  DEVICE_CODE_NOTIFICATION,
  SIGN_IN_BROWSER_NOTIFICATION,
} from '../admin-protocol.ts';
import type { AdminParams, AdminStatus } from '../admin-protocol.ts';
import { fail, ok } from '../protocol.ts';
import type { Result } from '../protocol.ts';
import type { Broker } from '../broker-api.ts';
import type { BrowserEvent, DeviceCodePrompt } from '../auth/auth-service.ts';
import type { RpcMethod, RpcPeer, RpcProtocol } from '../ipc/rpc-connection.ts';

export interface AdminSession {
  peer: RpcPeer;
  abort: AbortController;
}

export interface AdminProtocolDeps {
  broker: Broker;
  version: string;
  adminStatus: () => AdminStatus;
}

function method<M extends keyof typeof ADMIN_METHODS>(
  name: M,
  handle: (p: AdminParams<M>, s: AdminSession) => Result<unknown> | Promise<Result<unknown>>,
): RpcMethod<AdminSession> {
  return { params: ADMIN_METHODS[name].params, handle };
}

const toEmpty = (r: Result<void>): Result<object> => (r.ok ? ok({}) : r);

/** Sign-in progress for the CLI's terminal: the URL / failed browser, or the device code. */
function progressTo(s: AdminSession) {
  return {
    onBrowser: (event: BrowserEvent) => s.peer.notify(SIGN_IN_BROWSER_NOTIFICATION, event),
    onCode: (prompt: DeviceCodePrompt) =>
      s.peer.notify(DEVICE_CODE_NOTIFICATION, {
        userCode: prompt.userCode,
        verificationUri: prompt.verificationUri,
        expiresOn: prompt.expiresOn.toISOString(),
        message: prompt.message,
      }),
  };
}

export function createAdminProtocol(deps: AdminProtocolDeps): RpcProtocol<AdminSession> {
  const { broker } = deps;
  const methods: Record<string, RpcMethod<AdminSession>> = {
    status: method('status', () => ok(deps.adminStatus())),
    'clients.decide': method('clients.decide', (p) => toEmpty(broker.decideClient(p.name, p.decision))),
    'approvals.decide': method('approvals.decide', (p) => toEmpty(broker.decideWrite(p.id, p.decision))),
    'consent.grant': method('consent.grant', (p, s) => {
      const { deviceCode, ...target } = p;
      const { onBrowser, onCode } = progressTo(s);
      return broker.grantConsent(target, {
        signal: s.abort.signal,
        ...(deviceCode === true ? { onDeviceCode: onCode } : { onBrowser }),
      });
    }),
    login: method('login', (p, s) => {
      const { onBrowser, onCode } = progressTo(s);
      const base = { signal: s.abort.signal, ...(p.loginHint === undefined ? {} : { loginHint: p.loginHint }) };
      if (!p.deviceCode) return broker.signIn({ ...base, onBrowser });
      return broker.signInWithDeviceCode({ ...base, onCode });
    }),
    logout: method('logout', async (p) => toEmpty(await broker.signOut(p.account))),
    use: method('use', (p) => broker.useAccount(p.account)),
    pause: method('pause', (p) => {
      broker.setPaused(p.paused);
      return ok({});
    }),
    'audit.query': method('audit.query', async (p) => ok(await broker.audit(p))),
  };
  return {
    name: 'admin',
    hello: {
      params: ADMIN_METHODS.hello.params,
      open(params: AdminParams<'hello'>, peer) {
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
      },
    },
    methods,
    onClose: (s) => s.abort.abort(),
  };
}
