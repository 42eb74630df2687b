/**
 * Runs a CLI action against the RUNNING broker (admin channel) when there is one, else against the
 * broker core in-process (same settings, same keychain). Commands that only make sense while a broker
 * runs (approvals, pause) pass no `local` handler and get a clear message instead.
 */
import { escapeControls } from '../shared/terminal-safe.ts';
import type { AdminClient } from './admin-client.ts';
import { connectAdmin } from './admin-client.ts';
import type { AuthFactory } from './auth-factory.ts';
import { EXIT } from './command.ts';
import type { CliDeps } from './command.ts';
import { createHost } from './host.ts';
import type { Host } from './host.ts';
import { cliCommand } from './invocation.ts';

export interface BrokerAccess {
  running?: (admin: AdminClient) => Promise<number>;
  local?: (host: Host) => number | Promise<number>;
  /** The command prints the token cache backend itself (status): no separate memory-mode notice. */
  showsCache?: boolean;
  /** Without `local`: what to say when no broker runs (default: start one first). */
  absent?: () => number | Promise<number>;
}

export async function withBroker(deps: CliDeps, authFactory: AuthFactory, access: BrokerAccess): Promise<number> {
  const admin = await connectAdmin(
    deps.platform.paths.endpoint,
    deps.platform.os === 'win32',
    deps.platform.uid ?? undefined,
  );
  if (admin !== null) {
    if (access.running === undefined) admin.close();
    else {
      const onAbort = (): void => admin.close();
      deps.signal.addEventListener('abort', onAbort, { once: true });
      try {
        return await access.running(admin);
      } catch (e) {
        deps.stderr.write(
          `graph-bridge: lost the connection to the running broker (${errorText(e)}). Is it still running?\n`,
        );
        return EXIT.FAILURE;
      } finally {
        deps.signal.removeEventListener('abort', onAbort);
        admin.close();
      }
    }
  }
  if (access.local === undefined) {
    if (access.absent !== undefined) return access.absent();
    deps.stderr.write(
      `graph-bridge: no Graph Bridge broker is running. Start the tray app, or run in a terminal: ${cliCommand(deps, 'agent')}\n`,
    );
    return EXIT.FAILURE;
  }
  const host = await createHost(deps, {
    kind: 'cli',
    interactiveApprovals: false,
    authFactory,
    cacheNotice: access.showsCache !== true,
  });
  if (!host.ok) {
    deps.stderr.write(`graph-bridge: ${host.error.message}\n`);
    return EXIT.FAILURE;
  }
  try {
    await host.value.broker.loadState();
    return await access.local(host.value);
  } finally {
    await host.value.broker.stop();
  }
}

/**
 * For a `local` handler: a decision that loosens access needs a running tray or agent, which shows the
 * person the confirmation code; the in-process core has nobody to show it to.
 */
export function needsRunningBroker(
  deps: Pick<CliDeps, 'stderr' | 'env' | 'execPath' | 'bridgeEntry' | 'platform'>,
  what: string,
): number {
  deps.stderr.write(
    `graph-bridge: to ${what}, Graph Bridge must be running to show you a confirmation code. Open the Graph Bridge ` +
      `app, or run in a terminal of your own: ${cliCommand(deps, 'agent')} — then run this command again.\n`,
  );
  return EXIT.FAILURE;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Prints a failed Result's message and returns 1; prints nothing and returns 0 otherwise. */
export function reportResult(
  deps: Pick<CliDeps, 'stderr'>,
  r: { ok: true } | { ok: false; error: { message: string } },
): number {
  if (r.ok) return EXIT.OK;
  deps.stderr.write(`graph-bridge: ${escapeControls(r.error.message)}\n`);
  return EXIT.FAILURE;
}
