/**
 * Single-flight: concurrent callers with the same key share one in-flight promise; the entry is
 * dropped when it settles, so the next call starts fresh. Owned per AuthService instance.
 */
export interface SingleFlight<V> {
  run(key: string, work: () => Promise<V>): Promise<V>;
  /** Keys currently in flight (for tests/diagnostics). */
  inFlight(): number;
}

export function createSingleFlight<V>(): SingleFlight<V> {
  const pending = new Map<string, Promise<V>>();
  return {
    run(key, work) {
      const existing = pending.get(key);
      if (existing !== undefined) return existing;
      const promise = (async () => {
        try {
          return await work();
        } finally {
          pending.delete(key);
        }
      })();
      pending.set(key, promise);
      return promise;
    },
    inFlight: () => pending.size,
  };
}
