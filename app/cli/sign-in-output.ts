/**
 * What `graph-bridge login` and `consent` print while a sign-in waits, the same whether the broker
 * runs in this process or in the agent/tray (then it arrives as admin notifications): the sign-in URL
 * always, a browser that did not open with the device-code alternative, the device code, and
 * "sign-in cancelled" on Ctrl-C (the admin connection closes then, which is not a lost broker).
 */
import type { BrowserEvent } from '../broker/auth/auth-service.ts';
import {
  DEVICE_CODE_NOTIFICATION,
  SIGN_IN_BROWSER_NOTIFICATION,
  deviceCodeNotificationSchema,
  signInBrowserNotificationSchema,
} from '../broker/admin-protocol.ts';
import type { AdminClient } from './admin-client.ts';
import { escapeControls as printable } from '../shared/terminal-safe.ts';
import type { CliDeps } from './command.ts';

export interface SignInOutput {
  /** The command that does the same with a device code, printed when no browser opens. */
  deviceCodeCommand: string;
}

export function printBrowserEvent(deps: Pick<CliDeps, 'stdout' | 'stderr'>, event: BrowserEvent, out: SignInOutput) {
  if (event.kind === 'url') {
    deps.stdout.write(
      `If your browser does not open, open this URL in a browser on this computer:\n\n  ${printable(event.url)}\n\n`,
    );
    return;
  }
  deps.stderr.write(
    `${printable(event.reason)}\n` +
      `Open the URL above in a browser on this computer, or press Ctrl-C and sign in from any device with:\n` +
      `  ${out.deviceCodeCommand}\n`,
  );
  deps.stdout.write('Waiting for you to finish signing in (Ctrl-C cancels)…\n');
}

export function printDeviceCode(
  deps: Pick<CliDeps, 'stdout'>,
  p: { message: string; verificationUri: string; userCode: string },
): void {
  deps.stdout.write(
    `${printable(p.message)}\n  URL:  ${printable(p.verificationUri)}\n  Code: ${printable(p.userCode)}\n` +
      'Waiting for you to finish signing in (Ctrl-C cancels)…\n',
  );
}

/** Prints a running broker's sign-in notifications on this terminal. */
export function followSignIn(deps: Pick<CliDeps, 'stdout' | 'stderr'>, admin: AdminClient, out: SignInOutput): void {
  admin.onNotification((method, params) => {
    if (method === DEVICE_CODE_NOTIFICATION) {
      const p = deviceCodeNotificationSchema.safeParse(params);
      if (p.success) printDeviceCode(deps, p.data);
    } else if (method === SIGN_IN_BROWSER_NOTIFICATION) {
      const p = signInBrowserNotificationSchema.safeParse(params);
      if (p.success) printBrowserEvent(deps, p.data, out);
    }
  });
}

/**
 * Runs an admin call; Ctrl-C closes the admin connection, so a rejection after the abort is the
 * user's cancel ('cancelled'), not a lost broker.
 */
export async function unlessCancelled<T>(
  deps: Pick<CliDeps, 'signal'>,
  call: () => Promise<T>,
): Promise<T | 'cancelled'> {
  try {
    return await call();
  } catch (e) {
    if (deps.signal.aborted) return 'cancelled';
    throw e;
  }
}

export function printCancelled(deps: Pick<CliDeps, 'stderr'>, what = 'sign-in cancelled'): void {
  deps.stderr.write(`graph-bridge: ${what}.\n`);
}
