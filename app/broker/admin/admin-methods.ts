/**
 * The admin methods the CLI may call, each mapped onto the Broker facade (admin-server-protocol.ts
 * serves them). Sign-in progress goes to the CLI as notifications and is cancelled with its session;
 * methods that loosen access pass through the guard (admin-guard.ts).
 */
import {
  ADMIN_METHODS,
  DEVICE_CODE_NOTIFICATION,
  SIGN_IN_BROWSER_NOTIFICATION,
  type AdminParams,
  type AdminStatus,
} from '../admin-protocol.ts';
import { fail, ok, type Result } from '../../shared/result.ts';
import type { Broker } from '../broker-api.ts';
import type { BrowserEvent, DeviceCodePrompt } from '../auth/auth-service.ts';
import type { RpcMethod, RpcPeer } from '../ipc/rpc-connection.ts';
import type { Confirmations } from './confirmations.ts';
import type { SettingsControl } from './settings-control.ts';
import { approveClientAction, guard, resumeAction, writeDecisionAction, type Answer } from './admin-guard.ts';

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

function method<M extends keyof typeof ADMIN_METHODS>(
  name: M,
  handle: (p: AdminParams<M>, s: AdminSession) => Answer | Promise<Answer>,
  options: Pick<RpcMethod<AdminSession>, 'outlivesClose'> = {},
): RpcMethod<AdminSession> {
  // The connection sends whatever Result the handler returns; admin results only add error codes.
  return { params: ADMIN_METHODS[name].params, handle: handle as RpcMethod<AdminSession>['handle'], ...options };
}

const toEmpty = (r: Result<void>): Result<object> => (r.ok ? ok({}) : r);

/** The admin methods, by name. */
export function adminMethods(deps: AdminProtocolDeps): Record<string, RpcMethod<AdminSession>> {
  const { broker, confirmations } = deps;
  return {
    status: method('status', () => ok(deps.adminStatus())),
    'clients.decide': method('clients.decide', (p) => {
      const action = p.decision === 'approve' ? approveClientAction(broker, p.id) : null;
      return guard(confirmations, { action, confirmation: p.confirmation }, () =>
        toEmpty(broker.decideClient(p.id, p.decision)),
      );
    }),
    'approvals.decide': method('approvals.decide', (p) =>
      guard(confirmations, { action: writeDecisionAction(broker, p), confirmation: p.confirmation }, () =>
        toEmpty(broker.decideWrite(p.id, p.decision)),
      ),
    ),
    'consent.grant': method('consent.grant', (p, s) => grantConsent(broker, p, s)),
    login: method('login', (p, s) => login(broker, p, s)),
    logout: method('logout', async (p) => toEmpty(await broker.signOut(p.account))),
    use: method('use', (p) => broker.useAccount(p.account)),
    pause: method('pause', (p) =>
      guard(confirmations, { action: resumeAction(broker, p.paused), confirmation: p.confirmation }, () => {
        broker.setPaused(p.paused);
        return ok({});
      }),
    ),
    'settings.get': method('settings.get', () => (deps.settings === null ? noSettings() : deps.settings.view())),
    // New sign-in settings rebuild the broker in place, this admin socket included: the answer still
    // reaches the CLI that asked (and says how the reload went), then its connection closes.
    'settings.update': method('settings.update', (p) => updateSettings(deps, p), { outlivesClose: true }),
    'audit.query': method('audit.query', async (p) => ok(await broker.audit(p))),
  };
}

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

function grantConsent(broker: Broker, p: AdminParams<'consent.grant'>, s: AdminSession): Promise<Answer> {
  const { deviceCode, ...target } = p;
  const { onBrowser, onCode } = progressTo(s);
  return broker.grantConsent(target, {
    signal: s.abort.signal,
    ...(deviceCode === true ? { onDeviceCode: onCode } : { onBrowser }),
  });
}

function login(broker: Broker, p: AdminParams<'login'>, s: AdminSession): Promise<Answer> {
  const { onBrowser, onCode } = progressTo(s);
  const base = { signal: s.abort.signal, ...(p.loginHint === undefined ? {} : { loginHint: p.loginHint }) };
  if (!p.deviceCode) return broker.signIn({ ...base, onBrowser });
  return broker.signInWithDeviceCode({ ...base, onCode });
}

async function updateSettings(deps: AdminProtocolDeps, p: AdminParams<'settings.update'>): Promise<Answer> {
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
  return guard(deps.confirmations, { action, confirmation: p.confirmation }, () => control.commit(plan.value));
}

function noSettings(): Result<never> {
  return fail('BAD_REQUEST', 'This Graph Bridge host does not edit settings; use the Graph Bridge window (Settings).');
}
