/**
 * The one timer seam of the IPC layer (the broker's hello deadlines and connection closing, the RPC
 * client's request deadlines): injected in tests.
 */
export type SetTimer = (fn: () => void, ms: number) => { clear(): void };

/** setTimeout that never keeps the process alive. */
export const unrefTimer: SetTimer = (fn, ms) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return { clear: () => clearTimeout(t) };
};
