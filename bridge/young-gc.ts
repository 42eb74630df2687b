/**
 * The bridge's two young-generation controls.
 *
 * youngGc: a minor (young-generation) garbage collection, for long streams that allocate little JS but a lot
 * of buffer memory: a download's socket delivers a fresh ArrayBuffer per TLS record, and the few JS
 * objects per chunk do not fill the young generation, so without a scavenge every chunk of a 50 MiB
 * download would stay in RSS until V8's external-memory limit (~64 MiB) forces a collection.
 * downloads.ts calls it every few MiB; a scavenge of a mostly-dead young generation takes ~1 ms.
 *
 * V8's `gc` is reached the way Jest reaches it: `--expose-gc` only long enough to take the function
 * from a new context, then turned off again, so nothing global changes (and the flag hash the code
 * cache checks is the same as before). Undefined where the runtime refuses.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = (options?: { type?: 'minor' | 'major'; execution?: 'sync' | 'async' }) => void;

export function youngGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    setFlagsFromString('--no-expose-gc');
    if (typeof gc !== 'function') return undefined;
    return () => (gc as Gc)({ type: 'minor' });
  } catch {
    return undefined;
  }
}

/**
 * Keeps the young generation at the size it has now. V8 doubles it (up to 16 MiB per semi-space on
 * 64-bit) whenever the bytes that survived scavenges since it last grew exceed its capacity; a bridge
 * allocates ~90 KB per tool call (most of it Node's https and streams), a few KB of which are still in
 * flight at each scavenge, so within ~1,000 calls the young generation doubles: +8 MiB of RSS that
 * stays, for a process that is idle almost all the time (npm run bench -- bridge prints the heap
 * spaces). Called once the first call has been served — start-up, which allocates a lot while the
 * engine loads, keeps V8's growth — and AFTER the code cache was written: a changed flag changes V8's
 * flag hash, which a code cache must match to be accepted by the next start. V8 reads the growth
 * factor each time it considers growing, so setting it at run time takes effect. null where the
 * runtime refuses; else the size held, for the debug log.
 */
export function holdYoungGeneration(): string | null {
  try {
    setFlagsFromString('--semi-space-growth-factor=1');
  } catch {
    return null;
  }
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  return space === undefined ? 'its size' : `${(space.space_size / 1048576).toFixed(1)} MiB`;
}
