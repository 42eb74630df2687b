/**
 * A minor (young-generation) garbage collection, for long streams that allocate little JS but a lot
 * of buffer memory: a download's socket delivers a fresh ArrayBuffer per TLS record, and the few JS
 * objects per chunk do not fill the young generation, so without a scavenge every chunk of a 50 MiB
 * download would stay in RSS until V8's external-memory limit (~64 MiB) forces a collection.
 * downloads.ts calls it every few MiB; a scavenge of a mostly-dead young generation takes ~1 ms.
 *
 * V8's `gc` is reached the way Jest reaches it: `--expose-gc` only long enough to take the function
 * from a new context, then turned off again, so nothing global changes (and the flag hash the code
 * cache checks is the same as before). Undefined where the runtime refuses.
 */
import { setFlagsFromString } from 'node:v8';
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
