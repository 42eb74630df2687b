/**
 * Waits for a condition another process or listener brings about (an emulator log entry, a closed
 * connection): checks it every few milliseconds and fails after a generous ceiling — a bound for a
 * hang, never a measurement.
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  ceilingMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + ceilingMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${ceilingMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
