/**
 * The ONE assembly of a broker host — settings → logger → AuthService → createBroker — used by the
 * tray (app/main/tray/tray-host.ts) and by the CLI (`graph-bridge agent` and in-process commands,
 * app/cli/host.ts), so they cannot drift apart (keychain service, log rotation, settings control).
 *
 * Saved settings apply at once to what the broker reads through `config()` (tool groups, read-only,
 * approval policy). Sign-in settings (client, tenant, cloud, authority, OS broker, CA, plaintext
 * cache) are baked into the AuthService: `reloadSignIn()` rebuilds the sign-in core in place — the
 * old broker stops (its sockets close; bridges reconnect with the new key on their next call), a new
 * AuthService and broker start from the current settings, and `broker` — a stable facade — forwards
 * to the new one, so listeners never hold a stale broker. The one-time confirmation codes outlive the
 * cores; those open when a core stops for a rebuild are withdrawn at once (broker-host-core.ts withdrawCodes). `restartNeeded()` is true only between a
 * save and the reload (or when a reload failed). The window's save (`commitSettings`) and a
 * `graph-bridge settings set` over the admin channel take the same path (admin/settings-control.ts
 * commit → settings-apply.ts): save, apply, reload — and when the reload fails, the previous core runs
 * again and settings.json is put back. The admin request is answered after the reload, on the socket
 * the reload closed.
 */
import { ok, fail, type Result } from '../../shared/result.ts';
import { loadSettings } from '../settings/settings-store.ts';
import type { BrokerHost, BrokerHostDeps } from './broker-host-types.ts';
import {
  applySettings,
  buildCore,
  createHostState,
  restartNeeded,
  startCore,
  withdrawCodes,
} from './broker-host-core.ts';
import { createReloader } from './broker-host-reloader.ts';
import { createSwitchableBroker } from './switchable-broker.ts';
import { applySavedSettings } from './settings-apply.ts';

export { createSwitchableBroker } from './switchable-broker.ts';
export type { AuthInput, BrokerHost, BrokerHostDeps } from './broker-host-types.ts';
export { signInChanged } from './settings-apply.ts';

/** Who asked for the token that checks the sign-in after new sign-in settings (a consent item names it). */
const SIGN_IN_CHECK = 'Graph Bridge (checking the sign-in after a settings change)';

export async function createBrokerHost(deps: BrokerHostDeps): Promise<Result<BrokerHost>> {
  const env = deps.env ?? deps.platform.env;
  const loaded = await loadSettings({ configDir: deps.platform.paths.configDir, env });
  if (!loaded.ok) return fail('BAD_REQUEST', loaded.error.message);
  // The closures run only once the host is built (a `settings set` over the admin channel).
  const { state, started } = createHostState(deps, env, loaded.value, (next) =>
    applySavedSettings(
      {
        adopt: (s) => (applySettings(state, s), restartNeeded(state)),
        running: () => state.core.settings,
        account: () => switchable.broker.status().account,
        silentToken: () => switchable.broker.auth.getToken({ scopes: ['User.Read'], requestedBy: SIGN_IN_CHECK }),
        reloadSignIn: () => reloads.reload(),
      },
      next,
    ),
  );
  const first = await buildCore(state, state.core);
  if (!first.ok) return first;
  started();
  const switchable = createSwitchableBroker(first.value);
  const reloads = createReloader({
    broker: switchable.broker,
    logger: state.logger,
    logPath: state.logPath,
    current: () => ({ settings: state.settings, endpoints: state.endpoints }),
    running: () => state.core,
    stopped: () => withdrawCodes(state),
    start: async (target, paused) => {
      const built = await startCore(state, target, paused);
      if (!built.ok) return built;
      switchable.swap(built.value);
      state.core = target;
      return ok(undefined);
    },
  });

  return ok({
    broker: switchable.broker,
    logger: state.logger,
    logPath: state.logPath,
    loaded: loaded.value,
    settings: () => state.settings,
    endpoints: () => state.endpoints,
    config: () => state.config,
    applySettings: (next) => applySettings(state, next),
    restartNeeded: () => restartNeeded(state),
    reloadSignIn: () => reloads.reload(),
    commitSettings: (change) => state.settingsControl.commit({ ...change, before: state.settings }),
    async stop() {
      await reloads.idle();
      await switchable.broker.stop();
    },
  });
}
