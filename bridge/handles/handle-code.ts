/**
 * The shape of a short handle: one lowercase prefix letter (what it stands for: `m` a message, `p` a
 * paging cursor, …) and the first 8–16 characters of a base32 SHA-256 of the prefix and the value.
 * The same value always gets the same handle, and a stored record (handle, value) can be checked
 * against its hash, so a handle can only ever resolve to the value it was made from — also after the
 * store was lost, when it then simply fails as unknown.
 */
import { createHash } from 'node:crypto';

/**
 * The prefix letter of every kind of handle, in one place so no two kinds share one. Crockford's
 * alphabet has no i, l, o or u, so no well-known mail folder name ("sentitems", "junkemail", …) and
 * no Graph id (mixed case, digits first, or with - ! @ :) has the syntax of a handle.
 */
export const HANDLE_PREFIX = {
  message: 'm',
  mailFolder: 'f',
  event: 'e',
  driveItem: 'd',
  chat: 'c',
  team: 'g',
  taskList: 'l',
  task: 't',
  user: 'u',
  attachment: 'a',
  calendar: 'k',
  contact: 'q',
  channel: 'h',
  noteSection: 'n',
  notePage: 'r',
  plan: 'j',
  bucket: 'b',
  plannerTask: 'z',
  site: 's',
  drive: 'v',
  siteList: 'w',
  cursor: 'p',
} as const;
export type HandleKind = keyof typeof HANDLE_PREFIX;

/** Crockford's base32 alphabet in lower case (no i, l, o, u: nothing to misread or misspell). */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
export const MIN_BODY = 8;
export const MAX_BODY = 16;
/** Values shorter than this are cheaper as they are ("inbox", a 12-digit chat message id). */
export const MIN_VALUE_CHARS = 17;
/** Longer values are not stored (no Graph id or nextLink comes near it). */
export const MAX_VALUE_CHARS = 8192;

const HANDLE_RE = new RegExp(`^[a-z][${ALPHABET}]{${MIN_BODY},${MAX_BODY}}$`);

/** The full-length body (16 characters, 80 bits) for `value` under `prefix`. */
export function handleBody(prefix: string, value: string): string {
  const digest = createHash('sha256').update(`${prefix}\u0000${value}`, 'utf8').digest();
  let bits = 0;
  let acc = 0;
  let out = '';
  for (const byte of digest) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < MAX_BODY) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
    if (out.length >= MAX_BODY) break;
  }
  return out;
}

/** True when `text` has the syntax of a handle (it may still be unknown). */
export function isHandle(text: string): boolean {
  return HANDLE_RE.test(text);
}

export function handlePrefix(handle: string): string {
  return handle.slice(0, 1);
}

/** True when `handle` is a handle `value` can have: same prefix and a prefix of its hash. */
export function handleMatches(handle: string, value: string): boolean {
  if (!isHandle(handle)) return false;
  const prefix = handlePrefix(handle);
  return handleBody(prefix, value).startsWith(handle.slice(1));
}

/** Whether a value is worth a handle and small enough to store. */
export function storable(value: string): boolean {
  return value.length >= MIN_VALUE_CHARS && value.length <= MAX_VALUE_CHARS;
}
