/**
 * "Has the shared MSAL token cache changed?" — the stamp the token memo (token-memo.ts) compares.
 *
 * Who writes the cache: this broker's own MSAL clients (sign-in, consent, refresh, sign-out; counted by
 * `countCacheWrites` around the cache plugin) and other processes of the same profile — `graph-bridge`
 * commands that run the core in-process because no broker answered on the admin socket (login,
 * logout, use), a second agent or tray started on the profile, an older version during an upgrade.
 * Those write through msal-node-extensions, which touches the marker file after every write
 * (`msal-cache.json`: empty beside the keychain entry on Linux/macOS; the DPAPI or plaintext cache
 * itself otherwise) — the signal MSAL's own plugin uses to decide to reload. So a stamp is
 * `<writes here>|<the marker's device, inode, size, mtime, ctime>`: any write anywhere changes it.
 * (A keychain entry edited by hand, without the marker, is invisible to MSAL and to the memo alike.)
 *
 * A file time cannot show a second write within its granularity: the kernel's clock tick (Linux stamps
 * files with a coarse clock, 1–10 ms) or a whole second (HFS+, FAT, some network file systems). So a
 * marker written less than 100 ms ago (2 s for whole-second times) gives no stamp — null, "cannot tell",
 * and the memo steps aside until it settles: git's racy-index rule. (MSAL's own reload check,
 * `lastSync < mtime`, has the same blind spot and no such guard.) The memory backend has no marker and
 * no other writer.
 */
import { statSync, type BigIntStats } from 'node:fs';
import type { ICachePlugin } from '@azure/msal-node';

/** How long after a write a file time may still be shared by a later write (see above). */
const RACY_MS = 100;
const RACY_WHOLE_SECONDS_MS = 2000;

export interface CacheStampDeps {
  /** The marker (or cache) file msal-node-extensions touches on every write; null for the memory backend. */
  markerPath: string | null;
  /** In-process writes so far (from countCacheWrites). */
  writes: () => number;
  now: () => number;
  /**
   * Default: a synchronous stat. It is one metadata read of a file in our own state directory, ~3 µs;
   * the asynchronous one waits for a libuv pool thread, which on a busy machine takes milliseconds at
   * p99 — more than the whole memo hit is allowed (docs/broker-auth.md "Token memo").
   */
  stat?: (path: string) => BigIntStats;
}

export function createCacheStamp(deps: CacheStampDeps): () => Promise<string | null> {
  const stat = deps.stat ?? ((path: string) => statSync(path, { bigint: true }));
  const { markerPath } = deps;
  if (markerPath === null) return () => Promise.resolve(`${deps.writes()}|memory`);
  const stampNow = (): string | null => {
    const writes = deps.writes();
    let s: BigIntStats;
    try {
      s = stat(markerPath);
    } catch {
      return null;
    }
    const racyMs = s.mtimeNs % 1_000_000_000n === 0n ? RACY_WHOLE_SECONDS_MS : RACY_MS;
    if (deps.now() - Number(s.mtimeNs / 1_000_000n) < racyMs) return null;
    return `${writes}|${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  };
  return () => Promise.resolve(stampNow());
}

/** The cache plugin, counting the accesses that write (counted as the write starts). */
export function countCacheWrites(inner: ICachePlugin): { plugin: ICachePlugin; writes: () => number } {
  let writes = 0;
  return {
    plugin: {
      beforeCacheAccess: (context) => inner.beforeCacheAccess(context),
      afterCacheAccess: (context) => {
        if (context.cacheHasChanged) writes++;
        return inner.afterCacheAccess(context);
      },
    },
    writes: () => writes,
  };
}
