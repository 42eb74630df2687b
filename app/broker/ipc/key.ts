/**
 * Broker keys: a fresh random 256-bit key per start, stored hex-encoded in a 0600 file in the private
 * dir (written atomically), compared in constant time.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { writeFileAtomic } from '../../platform/atomic-file.ts';

export function generateKey(random: (n: number) => Buffer = randomBytes): string {
  return random(32).toString('hex');
}

/** Writes `key` to `path` with mode 0600 (app/platform/atomic-file.ts: temp file, fsync, rename). */
export async function writeKeyFile(path: string, key: string): Promise<void> {
  await writeFileAtomic(path, `${key}\n`, { mode: 0o600 });
}

/** Constant-time comparison of a presented hex key with the expected one. */
export function keysMatch(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  if (a.length !== b.length) {
    // Still burn a comparison so timing does not reveal the length check.
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}
