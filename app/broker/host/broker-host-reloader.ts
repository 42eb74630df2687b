/**
 * Reloading the sign-in core: one reload at a time (a second caller waits, then reloads again); when
 * the new settings do not start, the previous core starts again and the error says which case it is.
 */
import { fail, type Result } from '../../shared/result.ts';
import type { BrokerCore } from '../broker.ts';
import type { Logger } from '../log/logger.ts';
import type { EndpointConfig } from '../settings/derive.ts';
import type { Settings } from '../settings/settings-schema.ts';

export interface CoreTarget {
  settings: Settings;
  endpoints: EndpointConfig;
}

export interface ReloaderDeps {
  broker: BrokerCore;
  logger: Logger;
  logPath: string;
  current(): CoreTarget;
  running(): CoreTarget;
  start(target: CoreTarget, paused: boolean): Promise<Result<void>>;
  /** The running core has stopped for the reload (before a new one starts). */
  stopped(): void;
}

/** One reload at a time (a second caller waits, then reloads again); failure restores the previous core. */
export function createReloader(deps: ReloaderDeps) {
  let reloading: Promise<Result<void>> | null = null;
  const reloadOnce = async (): Promise<Result<void>> => {
    const wanted = deps.current();
    const previous = deps.running();
    const paused = deps.broker.status().paused;
    deps.logger.info('Sign-in settings changed: restarting the sign-in core');
    await deps.broker.stop();
    deps.stopped();
    const started = await deps.start(wanted, paused);
    if (started.ok) return started;
    deps.logger.error(`Sign-in core did not start with the new settings: ${started.error.message}`);
    const restored = await deps.start(previous, paused);
    if (!restored.ok) {
      deps.logger.error(`Sign-in core did not start again: ${restored.error.message}`);
      return fail(
        started.error.code,
        `${started.error.message} The previous sign-in settings could not be started again either, so Graph Bridge is not serving editors: quit and restart it (see ${deps.logPath}).`,
      );
    }
    return fail(
      started.error.code,
      `${started.error.message} Graph Bridge keeps the previous sign-in settings until this is fixed.`,
    );
  };
  return {
    reload(): Promise<Result<void>> {
      const run = async (): Promise<Result<void>> => {
        if (reloading !== null) await reloading;
        return reloadOnce();
      };
      const next = run().finally(() => {
        if (reloading === next) reloading = null;
      });
      reloading = next;
      return next;
    },
    async idle(): Promise<void> {
      while (reloading !== null) await reloading.catch(() => undefined);
    },
  };
}
