/**
 * What each status-window request does. Pure over injected ports (broker, settings, editors, shell),
 * so the unit tests and the e2e harness run exactly the handlers the app runs.
 */
import type { Broker } from '../../broker/broker-api.ts';
import { ok, type Result } from '../../shared/result.ts';
import type { WindowHandlers } from './ipc-router.ts';
import type { SignInController } from '../tray/sign-in-controller.ts';
import type {
  ConfirmationCode,
  EditorInfo,
  ExternalTarget,
  SettingsForm,
  SettingsView,
  WindowError,
} from '../../shared/window-contract.ts';

export interface SettingsPort {
  view(): Promise<Result<SettingsView, WindowError>>;
  save(form: SettingsForm): Promise<Result<SettingsView, WindowError>>;
}

export interface EditorsPort {
  list(): Promise<EditorInfo[]>;
  connect(id: string): Promise<Result<EditorInfo, WindowError>>;
}

export interface WindowHandlerDeps {
  broker: Broker;
  signIn: SignInController;
  settings: SettingsPort;
  editors: EditorsPort;
  openExternal(target: ExternalTarget): Promise<Result<null, WindowError>>;
  /** shell.openPath: resolves to '' on success or an error message. */
  openPath(path: string): Promise<string>;
  /** The confirmation codes to show (TrayHost.confirmationCodes). */
  confirmationCodes(): ConfirmationCode[];
}

/** Broker results are window results (broker codes are a subset); `void` becomes `null`. */
function fromBroker<T>(result: Result<T>): Result<T, WindowError> {
  return result;
}

function toNull(result: Result<void>): Result<null, WindowError> {
  return result.ok ? ok(null) : result;
}

export function createWindowHandlers(deps: WindowHandlerDeps): WindowHandlers {
  const { broker } = deps;
  return {
    'status:get': () => ok(broker.status()),
    'auth:sign-in': async () => fromBroker(await deps.signIn.signIn()),
    'auth:sign-in-code': async () => fromBroker(await deps.signIn.signInWithCode()),
    'auth:sign-out': async () => toNull(await broker.signOut()),
    'consent:grant': async ({ group }) => fromBroker(await broker.grantConsent({ group })),
    'client:decide': ({ id, decision }) => toNull(broker.decideClient(id, decision)),
    'write:decide': ({ id, decision }) => toNull(broker.decideWrite(id, decision)),
    'access:set-paused': ({ paused }) => {
      broker.setPaused(paused);
      return ok(null);
    },
    'audit:query': async (filter) => ok(await broker.audit({ limit: 200, ...filter })),
    'audit:open-log': async () => {
      const error = await deps.openPath(broker.auditLogPath());
      if (error === '') return ok(null);
      return { ok: false, error: { code: 'INTERNAL', message: `Could not open the audit log: ${error}` } };
    },
    'settings:get': () => deps.settings.view(),
    'settings:save': (form) => deps.settings.save(form),
    'editors:list': async () => ok(await deps.editors.list()),
    'editors:connect': ({ id }) => deps.editors.connect(id),
    'external:open': ({ target }) => deps.openExternal(target),
    'codes:get': () => ok(deps.confirmationCodes()),
  };
}
