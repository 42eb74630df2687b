/**
 * Text from a peer (an editor's self-chosen name, a write summary) made safe to print in a terminal or
 * a window: control characters (C0, DEL, C1 — ANSI escapes included), line separators and bidi
 * overrides become visible escapes, and it is cut to a bound.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string, max = 300): string {
  const escaped = text.replace(UNSAFE, (c) =>
    c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length > max ? `${escaped.slice(0, max - 1)}…` : escaped;
}
