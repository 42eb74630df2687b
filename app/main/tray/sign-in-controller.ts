/**
 * One sign-in at a time, shared by the tray menu and the window. Starting a new sign-in aborts the
 * one in progress (the latest click wins: a user who gave up on the browser and chose "Sign in with a
 * code…" should not have to wait for the browser flow to time out). The device code and its URL go to
 * `onDeviceCode` (the window shows them); they never reach a log. When the browser cannot be opened
 * (no default browser, `xdg-open` failing), `onBrowserFailed` says so at once — the flow would otherwise
 * wait silently until the sign-in time limit — so the user can switch to "Sign in with a code…".
 */
import type { AccountSummary } from '../../shared/bridge-contract.ts';
import type { Result } from '../../shared/result.ts';
import type { Broker } from '../../broker/broker-api.ts';
import type { BrowserEvent, DeviceCodePrompt } from '../../broker/auth/auth-service.ts';

export interface SignInControllerDeps {
  broker: Pick<Broker, 'signIn' | 'signInWithDeviceCode'>;
  onDeviceCode(prompt: DeviceCodePrompt): void;
  /** The browser could not be opened for a browser sign-in (the reason, e.g. "xdg-open exited with 3"). */
  onBrowserFailed?(reason: string): void;
  /** Called when `busy` flips (the tray relabels "Sign in…"). */
  onBusyChanged(busy: boolean): void;
}

export interface SignInController {
  readonly busy: boolean;
  /** The verification URL of the device-code prompt in progress (for the "open" link), else null. */
  readonly deviceLoginUrl: string | null;
  signIn(): Promise<Result<AccountSummary>>;
  signInWithCode(): Promise<Result<AccountSummary>>;
}

export function createSignInController(deps: SignInControllerDeps): SignInController {
  let current: AbortController | null = null;
  let deviceLoginUrl: string | null = null;

  async function run(start: (signal: AbortSignal) => Promise<Result<AccountSummary>>): Promise<Result<AccountSummary>> {
    current?.abort();
    const mine = new AbortController();
    current = mine;
    deviceLoginUrl = null;
    deps.onBusyChanged(true);
    try {
      return await start(mine.signal);
    } finally {
      if (current === mine) {
        current = null;
        deviceLoginUrl = null;
        deps.onBusyChanged(false);
      }
    }
  }

  return {
    get busy() {
      return current !== null;
    },
    get deviceLoginUrl() {
      return deviceLoginUrl;
    },
    signIn: () =>
      run((signal) =>
        deps.broker.signIn({
          signal,
          onBrowser(event: BrowserEvent) {
            if (event.kind === 'browser-failed') deps.onBrowserFailed?.(event.reason);
          },
        }),
      ),
    signInWithCode: () =>
      run((signal) =>
        deps.broker.signInWithDeviceCode({
          signal,
          onCode(prompt) {
            deviceLoginUrl = prompt.verificationUri;
            deps.onDeviceCode(prompt);
          },
        }),
      ),
  };
}
