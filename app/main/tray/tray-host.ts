/**
 * The broker inside the tray: the shared broker host (app/broker/host/broker-host.ts — the same
 * assembly `graph-bridge agent` uses) with interactive approvals on, its log in `tray.log`, and
 * confirmation codes shown on a board the status window displays.
 */
import { createAuthService } from '../../broker/auth/create-auth-service.ts';
import { createBrokerHost, type BrokerHost } from '../../broker/host/broker-host.ts';
import type { Result } from '../../shared/result.ts';
import type { ConfirmationPrompt } from '../../broker/admin/confirmations.ts';
import type { Platform } from '../../platform/platform.ts';

export { createSwitchableBroker } from '../../broker/host/broker-host.ts';

export interface TrayHostDeps {
  platform: Platform;
  version: string;
  /** Default: the platform's browser launcher (tests: headless Chromium). */
  openBrowser?: (url: string) => Promise<void>;
  /** Keychain service for the token cache (tests: unique per run); default GRAPH_BRIDGE_KEYCHAIN_SERVICE. */
  keychainService?: string;
  /** OS-edge overrides for the token cache (tests: a keychain that is unavailable). */
  tokenCacheOptions?: Parameters<typeof createAuthService>[0]['tokenCacheOptions'];
  /** Also write log lines to this stream (development); the log file always gets them. */
  stderr?: { write(text: string): unknown } | null;
}

export interface TrayHost extends Omit<BrokerHost, 'loaded' | 'config'> {
  /**
   * Confirmation codes for `graph-bridge` commands typed in a terminal (approve, allow, resume, loosening
   * settings): the window shows them; they never go to a log, status or a socket. Fires with the codes
   * still valid whenever one is made or used.
   */
  onConfirmationCodes(listener: (codes: ConfirmationPrompt[]) => void): () => void;
  confirmationCodes(): ConfirmationPrompt[];
}

/** Where the tray shows codes, as the CLI's prompt names it. */
export const TRAY_CODE_PLACE = 'the Graph Bridge window (open it from the tray icon)';

function createCodeBoard(now: () => Date) {
  const codes = new Map<string, ConfirmationPrompt>();
  const listeners = new Set<(codes: ConfirmationPrompt[]) => void>();
  const current = (): ConfirmationPrompt[] =>
    [...codes.values()].filter((c) => Date.parse(c.expiresAt) > now().getTime());
  const emit = (): void => {
    const list = current();
    for (const l of listeners) l(list);
  };
  return {
    show(prompt: ConfirmationPrompt): string {
      codes.set(prompt.challengeId, prompt);
      emit();
      return TRAY_CODE_PLACE;
    },
    hide(id: string): void {
      if (codes.delete(id)) emit();
    },
    current,
    subscribe(listener: (codes: ConfirmationPrompt[]) => void): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

export async function createTrayHost(deps: TrayHostDeps): Promise<Result<TrayHost>> {
  const { platform } = deps;
  const codeBoard = createCodeBoard(() => new Date());
  const created = await createBrokerHost({
    platform,
    version: deps.version,
    host: 'tray',
    logFileName: 'tray.log',
    console: deps.stderr == null ? null : { sink: deps.stderr, level: 'info' },
    interactiveApprovals: true,
    createAuth: (input) =>
      createAuthService({
        settings: input.settings,
        endpoints: input.endpoints,
        platform,
        log: (level, line) => input.logger[level](line),
        ...(deps.openBrowser === undefined ? {} : { openBrowser: deps.openBrowser }),
        ...(input.keychainService === undefined ? {} : { keychainService: input.keychainService }),
        ...(deps.tokenCacheOptions === undefined ? {} : { tokenCacheOptions: deps.tokenCacheOptions }),
      }),
    ...(deps.keychainService === undefined ? {} : { keychainService: deps.keychainService }),
    showConfirmation: (prompt) => codeBoard.show(prompt),
    hideConfirmation: (id) => codeBoard.hide(id),
  });
  if (!created.ok) return created;
  const host = created.value;
  return {
    ok: true,
    value: {
      broker: host.broker,
      logger: host.logger,
      logPath: host.logPath,
      settings: host.settings,
      endpoints: host.endpoints,
      applySettings: host.applySettings,
      restartNeeded: host.restartNeeded,
      reloadSignIn: host.reloadSignIn,
      commitSettings: host.commitSettings,
      stop: host.stop,
      onConfirmationCodes: (listener) => codeBoard.subscribe(listener),
      confirmationCodes: () => codeBoard.current(),
    },
  };
}
