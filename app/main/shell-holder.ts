/**
 * Holds the running tray app — the Tray, the status window, the broker host — for the life of the
 * process. Electron objects referenced only from closures can be garbage-collected (a collected Tray
 * vanishes from the panel), so main keeps this holder at module scope and every long-lived object
 * in the shell it holds. It also orders shutdown against start-up: a quit that arrives while the app
 * is still starting waits for the start, then stops what it started, once.
 */
export interface StoppableShell {
  stop(): Promise<void>;
}

export interface ShellHolder<S extends StoppableShell> {
  /** Runs the start-up; its shell (null when start-up gave up) is held until shutdown. */
  start(run: () => Promise<S | null>): Promise<S | null>;
  current(): S | null;
  /** Waits for a start in progress, then stops the shell (at most once). */
  shutdown(): Promise<void>;
}

export function createShellHolder<S extends StoppableShell>(): ShellHolder<S> {
  let shell: S | null = null;
  let starting: Promise<S | null> = Promise.resolve(null);
  let stopping: Promise<void> | null = null;
  return {
    start(run) {
      starting = run().then((started) => (shell = started));
      return starting;
    },
    current: () => shell,
    shutdown() {
      stopping ??= (async () => {
        await starting.catch(() => null);
        await shell?.stop();
      })();
      return stopping;
    },
  };
}
