/**
 * Builds the status window's handlers for a tray host: settings form, link context for
 * "open in browser", and the broker calls. Shared by main.ts and the e2e harness, so the page under
 * test talks to exactly what the app wires up.
 */
import type { DeviceCodePrompt } from '../../broker/auth/auth-service.ts';
import { createExternalOpener, portalFor, type LinkContext } from './external-links.ts';
import type { WindowHandlers } from './ipc-router.ts';
import { createSettingsPort } from './settings-port.ts';
import { createSignInController, type SignInController } from '../tray/sign-in-controller.ts';
import type { TrayHost } from '../tray/tray-host.ts';
import { createWindowHandlers, type EditorsPort } from './window-handlers.ts';

export interface WindowServicesDeps {
  host: TrayHost;
  configDir: string;
  env: Readonly<Record<string, string | undefined>>;
  editors: EditorsPort;
  /** shell.openExternal; only ever called with a URL that passed the allow-list. */
  openExternal: (url: string) => Promise<void>;
  openPath: (path: string) => Promise<string>;
  onDeviceCode: (prompt: DeviceCodePrompt) => void;
  /** A browser sign-in could not open the browser (main shows a notification). */
  onBrowserFailed?: (reason: string) => void;
  onSignInBusyChanged: (busy: boolean) => void;
}

export interface WindowServices {
  handlers: WindowHandlers;
  signIn: SignInController;
}

export function createWindowServices(deps: WindowServicesDeps): WindowServices {
  const { host } = deps;
  const signIn = createSignInController({
    broker: host.broker,
    onDeviceCode: deps.onDeviceCode,
    ...(deps.onBrowserFailed ? { onBrowserFailed: deps.onBrowserFailed } : {}),
    onBusyChanged: deps.onSignInBusyChanged,
  });
  const linkContext = (): LinkContext => {
    const s = host.settings();
    const e = host.endpoints();
    const status = host.broker.status();
    return {
      portal: portalFor(typeof s.cloud === 'string' ? s.cloud : 'custom'),
      authorityHost: new URL(e.authority).origin,
      graphBaseUrl: e.graphBaseUrl,
      tenant: s.tenant,
      clientId: s.clientId,
      missingScopes: status.consent
        .filter((g) => g.enabled)
        .flatMap((g) => g.scopes.filter((x) => !x.granted).map((x) => x.scope)),
      deviceLoginUrl: signIn.deviceLoginUrl,
    };
  };
  const settings = createSettingsPort({
    configDir: deps.configDir,
    env: deps.env,
    commit: (change) => host.commitSettings(change),
    restartNeeded: () => host.restartNeeded(),
  });
  const handlers = createWindowHandlers({
    broker: host.broker,
    signIn,
    settings,
    editors: deps.editors,
    openExternal: createExternalOpener({ openExternal: deps.openExternal, context: linkContext }),
    openPath: deps.openPath,
    confirmationCodes: () => host.confirmationCodes(),
  });
  return { handlers, signIn };
}
