/**
 * Quitting waits for the shutdown. Electron's `before-quit` does not await its listeners, so a plain
 * `void broker.stop()` lets the process exit with the sockets and keys still on disk, a just-made
 * approval unwritten and child processes orphaned. The guard prevents the first quit, runs the
 * shutdown once (a second quit while it runs is absorbed, not a second shutdown), then exits.
 * A shutdown that hangs past a generous ceiling still lets the app exit: a quit must always quit.
 */
export interface QuitEvent {
  preventDefault(): void;
}

export interface QuitGuardDeps {
  /** Stops everything the app started; a rejection is logged, the app exits anyway. */
  shutdown(): Promise<void>;
  /** app.exit: ends the process without emitting before-quit again. */
  exit(code: number): void;
  log(line: string): void;
  /** Ceiling for a shutdown that never settles (default 15 s). */
  ceilingMs?: number;
  /** Default: setTimeout/clearTimeout. */
  setTimer?: (ms: number, fn: () => void) => () => void;
}

export interface QuitGuard {
  /** The `before-quit` listener. */
  onBeforeQuit(event: QuitEvent): void;
  /** Resolves when the shutdown has finished (or hit the ceiling) and exit was called. */
  done(): Promise<void>;
  state(): 'running' | 'stopping' | 'stopped';
}

const defaultTimer = (ms: number, fn: () => void): (() => void) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

export function createQuitGuard(deps: QuitGuardDeps): QuitGuard {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  let finished: Promise<void> | null = null;

  const stopWithin = (ms: number): Promise<number> =>
    new Promise<number>((resolve) => {
      const cancel = (deps.setTimer ?? defaultTimer)(ms, () => {
        deps.log(`quit: the shutdown did not finish within ${Math.round(ms / 1000)} s; exiting anyway`);
        resolve(1);
      });
      deps.shutdown().then(
        () => (cancel(), resolve(0)),
        (err: unknown) => {
          cancel();
          deps.log(`quit: shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
          resolve(1);
        },
      );
    });

  return {
    onBeforeQuit(event) {
      if (state === 'stopped') return;
      event.preventDefault();
      if (state === 'stopping') return;
      state = 'stopping';
      deps.log('quit: shutting down');
      finished = stopWithin(deps.ceilingMs ?? 15_000).then((code) => {
        state = 'stopped';
        deps.exit(code);
      });
    },
    done: () => finished ?? Promise.resolve(),
    state: () => state,
  };
}
