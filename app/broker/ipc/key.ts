/**
 * Broker keys: a fresh random 256-bit key per start, stored hex-encoded in a 0600 file in the private
 * dir (written atomically: temp file + rename), compared in constant time.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';

export function generateKey(random: (n: number) => Buffer = randomBytes): string {
  return random(32).toString('hex');
}

/** Writes `key` to `path` with mode 0600 via a temp file in the same directory and an atomic rename. */
export async function writeKeyFile(
  path: string,
  key: string,
  random: (n: number) => Buffer = randomBytes,
): Promise<void> {
  const tmp = `${path}.${random(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, `${key}\n`, { mode: 0o600, flag: 'wx' });
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
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
