/** Deterministic randomness for seed data: a seeded PRNG (mulberry32) keyed by a string. */

export interface Rng {
  /** [0, 1) */
  next(): number;
  int(minInclusive: number, maxInclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** Random bytes as base64url (no padding), `n` bytes. */
  b64(n: number): string;
  uuid(): string;
}

export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function createRng(seed: string): Rng {
  let a = hashString(seed);
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256)));
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    chance: (p) => next() < p,
    b64: (n) => bytes(n).toString('base64url'),
    uuid: () => {
      const h = bytes(16);
      h[6] = ((h[6] ?? 0) & 0x0f) | 0x40;
      h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
      const x = h.toString('hex');
      return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
    },
  };
}

/** Exchange-style opaque id (`AAMkAG…=`), deterministic from the rng. */
export function outlookId(rng: Rng): string {
  return `AAMkAG${rng.b64(33)}AAA=`;
}

/** OneDrive-style item id (`01` + 32 upper-case base32 chars). */
export function driveItemId(rng: Rng): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let s = '01';
  for (let i = 0; i < 32; i++) s += rng.pick([...alphabet]);
  return s;
}

/** Deterministic Fisher–Yates shuffle. */
export function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** ISO with 'Z', no milliseconds — how Graph writes most date-times. */
export function isoZ(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Outlook dateTimeTimeZone form: `2026-01-01T12:00:00.0000000` (no zone; zone in a sibling field). */
export function outlookDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '.0000000');
}
