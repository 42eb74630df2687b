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
import {
  ADMIN_METHODS,
  ADMIN_PROTOCOL_VERSION,
  DEVICE_CODE_NOTIFICATION,
  SIGN_IN_BROWSER_NOTIFICATION,
  type AdminParams,
  type AdminStatus,
  type Confirmation,
  type AdminError,
} from '../admin-protocol.ts';
import { fail, ok, type Result } from '../../shared/result.ts';
import type { Broker } from '../broker-api.ts';
import type { BrowserEvent, DeviceCodePrompt } from '../auth/auth-service.ts';
import type { RpcMethod, RpcPeer, RpcProtocol } from '../ipc/rpc-connection.ts';
import type { Confirmations } from './confirmations.ts';
import type { SettingsControl } from './settings-control.ts';

export interface AdminSession {
  peer: RpcPeer;
  abort: AbortController;
}

export interface AdminProtocolDeps {
  broker: Broker;
  version: string;
  adminStatus: () => AdminStatus;
  confirmations: Confirmations;
  /** settings.json for `graph-bridge settings`; null when this host does not offer it. */
  settings: SettingsControl | null;
}

type Answer = Result<unknown> | Result<unknown, AdminError>;

function method<M extends keyof typeof ADMIN_METHODS>(
  name: M,
  handle: (p: AdminParams<M>, s: AdminSession) => Answer | Promise<Answer>,
): RpcMethod<AdminSession> {
  // The connection sends whatever Result the handler returns; admin results only add error codes.
  return { params: ADMIN_METHODS[name].params, handle: handle as RpcMethod<AdminSession>['handle'] };
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

/** JSON with sorted keys: the same action always gives the same key. */
export function actionKey(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

export function createAdminProtocol(deps: AdminProtocolDeps): RpcProtocol<AdminSession> {
  const { broker, confirmations } = deps;

  /** Runs `run` when `action` is null (nothing loosens) or the confirmation matches; else challenges. */
  const guard = async (
    action: { key: unknown; description: string } | null,
    confirmation: Confirmation | undefined,
    run: () => Answer | Promise<Answer>,
  ): Promise<Answer> => {
    if (action === null) return run();
    const key = actionKey(action.key);
    if (confirmation === undefined) return confirmations.request(key, action.description);
    const checked = confirmations.verify(confirmation, key);
    return checked.ok ? run() : checked;
  };

  const approveClient = (id: string): { key: unknown; description: string } | null => {
    const c = broker.status().clients.find((x) => x.id === id);
    if (c === undefined) return null;
    // firstSeen changes when an editor's credential is replaced: a code never approves a newer one.
    const key = ['clients.decide', c.id, 'approve', c.firstSeen, c.name];
    return {
      key,
      description: c.remembered
        ? `Allow the editor ${c.id} (it calls itself ${JSON.stringify(c.name)}) to use your Microsoft 365 account`
        : `Allow ${JSON.stringify(c.name)} (${c.id}: not a connected editor, so for this session only) to use your Microsoft 365 account`,
    };
  };
  const describeWrite = (id: string, always: boolean): string | null => {
    const a = broker.status().pendingApprovals.find((x) => x.id === id);
    if (a === undefined) return null;
    return always
      ? `Always allow ${a.tool} for every editor, starting with ${JSON.stringify(a.client)}: ${a.summary}`
      : `Allow ${JSON.stringify(a.client)} to run ${a.tool} once: ${a.summary}`;
  };

  const methods: Record<string, RpcMethod<AdminSession>> = {
    status: method('status', () => ok(deps.adminStatus())),
    'clients.decide': method('clients.decide', (p) => {
      const action = p.decision === 'approve' ? approveClient(p.id) : null;
      return guard(action, p.confirmation, () => toEmpty(broker.decideClient(p.id, p.decision)));
    }),
    'approvals.decide': method('approvals.decide', (p) => {
      const description = p.decision === 'deny' ? null : describeWrite(p.id, p.decision === 'allow-always');
      const action = description === null ? null : { key: ['approvals.decide', p.id, p.decision], description };
      return guard(action, p.confirmation, () => toEmpty(broker.decideWrite(p.id, p.decision)));
    }),
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
      const resumes = !p.paused && broker.status().paused;
      const action = resumes
        ? { key: ['pause', false], description: 'Resume Graph Bridge access for every editor' }
        : null;
      return guard(action, p.confirmation, () => {
        broker.setPaused(p.paused);
        return ok({});
      });
    }),
    'settings.get': method('settings.get', () => (deps.settings === null ? noSettings() : deps.settings.view())),
    'settings.update': method('settings.update', async (p) => {
      const control = deps.settings;
      if (control === null) return noSettings();
      const plan = await control.plan(p.changes);
      if (!plan.ok) return plan;
      const { loosening, after } = plan.value;
      if (loosening.length > 0 && p.onlyIfTightening === true) {
        const message = `This change loosens access (${loosening.join('; ')}), so a person must confirm it.`;
        return { ok: false, error: { code: 'CONFIRMATION_REQUIRED', message } };
      }
      const action =
        loosening.length === 0
          ? null
          : { key: ['settings.update', after], description: `Change Graph Bridge settings: ${loosening.join('; ')}` };
      return guard(action, p.confirmation, () => control.commit(plan.value));
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

function noSettings(): Result<never> {
  return fail('BAD_REQUEST', 'This Graph Bridge host does not edit settings; use the Graph Bridge window (Settings).');
}
