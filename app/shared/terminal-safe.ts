/**
 * The one rule for text a peer controls (an editor's client name and version, tool names, approval
 * summaries, audit fields, error messages from the network) on its way to a log line, a terminal, a
 * tray menu or a notification: every character that is not visible text becomes a visible escape —
 * C0/C1 controls and DEL (`\n` → `\x0a`, ESC → `\x1b`), line/paragraph separators, bidirectional
 * overrides and isolates (`\u202e`), and the other invisible format characters. So such a string can
 * neither forge a line, nor move the cursor or clear the screen, nor reorder what the user reads.
 *
 * Backslashes are kept as they are, which makes escaping idempotent: escaping an already escaped
 * name changes nothing, so the name a command prints is the name the user types back (quoted).
 * ZWJ/ZWNJ (U+200D/U+200C) stay: emoji sequences and several scripts need them and they move nothing.
 */

/** Characters that are not visible text. `u` flag: lone surrogates (Cs) match as code points. */
const UNSAFE = /(?![\u200c\u200d])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
/** What JSON.stringify leaves raw inside strings (it escapes C0 and lone surrogates itself). */
const UNSAFE_IN_JSON = /(?![\u200c\u200d])[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu;

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

function visibleEscape(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp <= 0xff) return `\\x${hex(cp, 2)}`;
  return cp <= 0xffff ? `\\u${hex(cp, 4)}` : `\\u{${hex(cp, 1)}}`;
}

/** `text` with every control, separator, bidi and invisible format character shown as an escape. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, visibleEscape);
}

/** escapeControls, then cut to `max` characters (ending in `…`): for one bounded line of peer text. */
export function printable(text: string, max = 300): string {
  const escaped = escapeControls(text);
  return escaped.length > max ? `${escaped.slice(0, max - 1)}…` : escaped;
}

/** True when escapeControls would change nothing. */
export function isTerminalSafe(text: string): boolean {
  return !new RegExp(UNSAFE.source, 'u').test(text);
}

/**
 * JSON for a terminal (`--json` output): the same value, but the characters JSON.stringify leaves raw
 * (DEL, C1, bidi/format, U+2028/2029) are written as `\uXXXX` escapes, so it parses to the same data.
 */
export function terminalJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(UNSAFE_IN_JSON, (ch) =>
    [...Array(ch.length).keys()].map((i) => `\\u${hex(ch.charCodeAt(i), 4)}`).join(''),
  );
}

/** Longest client name kept, in code points (the hello schema bounds names to this). */
export const CLIENT_NAME_MAX = 100;

/**
 * An editor's self-reported name (MCP clientInfo.name) as the broker keeps it: escaped as above and
 * cut to CLIENT_NAME_MAX code points (the cut ends in "…"). Only the first CLIENT_NAME_MAX + 1 code
 * points are looked at, so a 1 MiB name costs nothing. Idempotent: a normalised name normalises to itself.
 */
export function normaliseClientName(raw: string): string {
  const points = [...escapeControls(firstCodePoints(raw, CLIENT_NAME_MAX + 1))];
  return points.length <= CLIENT_NAME_MAX ? points.join('') : `${points.slice(0, CLIENT_NAME_MAX - 1).join('')}…`;
}

function firstCodePoints(text: string, count: number): string {
  let out = '';
  let n = 0;
  for (const point of text) {
    if (n++ === count) break;
    out += point;
  }
  return out;
}

/**
 * One argument of a command we print for the user to paste (`graph-bridge consent <scope>`): as is
 * when it is plain, else single-quoted for POSIX shells, so a peer-chosen value can never become a
 * second command when pasted.
 */
export function shellArg(text: string): string {
  return /^[A-Za-z0-9_.,:/@%+=-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
