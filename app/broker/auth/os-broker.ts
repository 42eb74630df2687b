/**
 * The OS authentication broker (WAM on Windows, Enterprise SSO on macOS) through msal-node-extensions'
 * NativeBrokerPlugin, when `settings.useBroker` is on and the plugin reports itself available. MSAL
 * itself does not fall back when a osBrokered call fails because the broker is unusable, so we do:
 * `withBrokerFallback` retries the same operation on the browser-based client.
 */
import type { INativeBrokerPlugin } from '@azure/msal-node';
import { loadMsalExtensions } from './keychain-module.ts';

export interface BrokerChoice {
  plugin: INativeBrokerPlugin | null;
  /** For status/logs: why the broker is or is not used. */
  detail: string;
}

/** Loads msal-node-extensions only when the OS broker is enabled; a load failure means "use the browser". */
export function defaultOsBroker(): INativeBrokerPlugin {
  return new (loadMsalExtensions().NativeBrokerPlugin)();
}

export function selectOsBroker(useBroker: boolean, create: () => INativeBrokerPlugin = defaultOsBroker): BrokerChoice {
  if (!useBroker) return { plugin: null, detail: 'OS broker disabled in settings (useBroker: false).' };
  let plugin: INativeBrokerPlugin;
  try {
    plugin = create();
  } catch (err) {
    return { plugin: null, detail: `OS broker could not be loaded (${(err as Error).message}); using the browser.` };
  }
  if (!plugin.isBrokerAvailable) return { plugin: null, detail: 'No OS broker on this system; using the browser.' };
  return { plugin, detail: 'Signing in through the OS broker.' };
}

const UNAVAILABLE_CODES = new Set(['platform_broker_error', 'untrusted_authority', 'no_network_connectivity_broker']);
const UNAVAILABLE_STATUSES = new Set([
  'ApiContractViolation',
  'IncorrectConfiguration',
  'Unexpected',
  'AuthorityUntrusted',
]);

/** Errors meaning "the broker cannot serve this" (as opposed to "the user or Entra said no"). */
export function isBrokerUnavailableError(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const e = err as { errorCode?: unknown; platformBrokerError?: { errorStatus?: unknown }; message?: unknown };
  if (typeof e.errorCode === 'string' && UNAVAILABLE_CODES.has(e.errorCode)) return true;
  const status = e.platformBrokerError?.errorStatus;
  if (typeof status === 'string' && UNAVAILABLE_STATUSES.has(status)) return true;
  return typeof e.message === 'string' && /broker (is )?(not available|unavailable)/i.test(e.message);
}

/**
 * Runs `osBrokered` when there is a osBrokered path; if it fails because the broker is unusable, runs
 * `browser` instead and reports the fallback through `onFallback`.
 */
export async function withBrokerFallback<T>(
  osBrokered: (() => Promise<T>) | null,
  browser: () => Promise<T>,
  onFallback: (err: unknown) => void,
): Promise<T> {
  if (osBrokered === null) return browser();
  try {
    return await osBrokered();
  } catch (err) {
    if (!isBrokerUnavailableError(err)) throw err;
    onFallback(err);
    return browser();
  }
}
