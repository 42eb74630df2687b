/**
 * Reading HTML for html-to-text.ts, in linear time: character classes, an `indexOf` that remembers
 * failed searches, and the tag reader (name, closing flag, href, end) — no regular expression over the
 * input.
 */
export const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
export const isDigit = (c: number): boolean => c >= 48 && c <= 57;
export const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isNameChar = (c: number): boolean => isLetter(c) || isDigit(c) || c === 45 || c === 95 || c === 58;
/** HTML whitespace: space, tab, LF, FF, CR. */
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 12 || c === 13;

/**
 * `indexOf` that remembers a failed search: positions only grow during a scan, so once a needle is
 * known to be absent after some position it is absent after every later one. Keeps the whole scan
 * linear even when every tag looks ahead for something that never comes.
 */
function createFinder(text: string): (needle: string, from: number) => number {
  const absentFrom = new Map<string, number>();
  return (needle, from) => {
    const absent = absentFrom.get(needle);
    if (absent !== undefined && from >= absent) return -1;
    const at = text.indexOf(needle, from);
    if (at === -1) absentFrom.set(needle, Math.min(absent ?? from, from));
    return at;
  };
}

/** The input being scanned. */
export interface HtmlScan {
  html: string;
  /** `html` with ASCII letters lower-cased: every index equals the same index of `html`. */
  lower: string;
  /** Remembering `indexOf` over `lower`. */
  find: (needle: string, from: number) => number;
}

export function scanOf(html: string): HtmlScan {
  // ASCII-only lower case keeps every index of `lower` equal to the same index of `html`.
  const lower = html.replace(/[A-Z]+/g, (run) => run.toLowerCase());
  return { html, lower, find: createFinder(lower) };
}

export interface Tag {
  name: string;
  closing: boolean;
  href?: string;
  /** Index just after the tag's `>`. */
  end: number;
}

/**
 * An attribute's value starting at `j` (just after `=` and any spaces): quoted (may hold '>'; an
 * unclosed quote ends at the next '>') or unquoted. 'eof' when it runs to the end of the input.
 */
function readValue(scan: HtmlScan, j: number): { value: string; next: number } | 'eof' {
  const { html, find } = scan;
  const quote = html.charAt(j);
  if (quote === '"' || quote === "'") {
    const close = find(quote, j + 1);
    if (close !== -1) return { value: html.slice(j + 1, close), next: close + 1 };
    const gt = find('>', j + 1);
    return gt === -1 ? 'eof' : { value: html.slice(j + 1, gt), next: gt };
  }
  let end = j;
  while (end < html.length && !isSpace(html.charCodeAt(end)) && html.charCodeAt(end) !== 62) end++;
  return { value: html.slice(j, end), next: end };
}

/**
 * Reads the tag at `<` (i): name, closing flag, href, end; undefined when it is not a tag, 'eof'
 * when it runs to the end of the input (then the rest is text: no later tag can end either).
 */
export function readTag(scan: HtmlScan, i: number): Tag | undefined | 'eof' {
  const { html, lower } = scan;
  let j = i + 1;
  const closing = html.charCodeAt(j) === 47; /* / */
  if (closing) j++;
  if (!isLetter(html.charCodeAt(j))) return undefined;
  const nameStart = j;
  while (j < html.length && isNameChar(html.charCodeAt(j))) j++;
  const name = lower.slice(nameStart, j);
  let href: string | undefined;
  // Attributes: name[=value].
  for (;;) {
    while (j < html.length && (isSpace(html.charCodeAt(j)) || html.charCodeAt(j) === 47)) j++;
    if (j >= html.length) return 'eof';
    if (html.charCodeAt(j) === 62 /* > */)
      return { name, closing, end: j + 1, ...(href !== undefined ? { href } : {}) };
    const attrStart = j;
    while (j < html.length && !isSpace(html.charCodeAt(j)) && !'=>/'.includes(html.charAt(j))) j++;
    if (j === attrStart) j++; // a stray character such as '"' or '<'
    const attr = lower.slice(attrStart, j);
    while (j < html.length && isSpace(html.charCodeAt(j))) j++;
    if (html.charCodeAt(j) !== 61 /* = */) continue;
    j++;
    while (j < html.length && isSpace(html.charCodeAt(j))) j++;
    const read = readValue(scan, j);
    if (read === 'eof') return 'eof';
    j = read.next;
    if (attr === 'href' && href === undefined) href = read.value;
  }
}
