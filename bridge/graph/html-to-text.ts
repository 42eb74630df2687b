/**
 * HTML -> plain text for mail and event bodies (no dependency), in linear time: one left-to-right
 * scan with `indexOf` look-aheads whose failures are remembered, no regular expression over the
 * input, and the input capped before conversion (`maxInputChars`, default 512 Ki characters). Mail
 * bodies come from anyone, so a body built to make a backtracking converter spin (`<a href="`
 * repeated, unclosed comments, unclosed quotes) costs the same as any other body of its size.
 *
 * Output: head/script/style/noscript/template and comments dropped, block elements and <br> as line
 * breaks, list items as "- ", table cells separated by spaces, links as "text (url)", entities
 * decoded, whitespace collapsed (at most one blank line).
 */
const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
  ['nbsp', ' '],
  ['ndash', '–'],
  ['mdash', '—'],
  ['hellip', '…'],
  ['rsquo', '’'],
  ['lsquo', '‘'],
  ['rdquo', '”'],
  ['ldquo', '“'],
  ['copy', '©'],
  ['reg', '®'],
  ['trade', '™'],
  ['euro', '€'],
  ['bull', '•'],
  ['middot', '·'],
]);

/** Characters of HTML converted; the rest of a longer body is left out with a note. */
export const MAX_HTML_INPUT_CHARS = 512 * 1024;

const BLOCK = new Set([
  'p',
  'div',
  'section',
  'article',
  'header',
  'footer',
  'table',
  'tr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'ul',
  'ol',
  'hr',
  'title',
]);
/** Elements whose content is never shown (dropped up to their end tag, or to the end if unclosed). */
const HIDDEN = new Set(['script', 'style', 'noscript', 'template']);

const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHex = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isNameChar = (c: number): boolean => isLetter(c) || isDigit(c) || c === 45 || c === 95 || c === 58;
/** HTML whitespace: space, tab, LF, FF, CR. */
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 12 || c === 13;

function codePointText(code: number): string | undefined {
  return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/** Decodes `&name;`, `&#123;` and `&#x7b;`; anything else (unknown names, no `;`) stays as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  const out: string[] = [];
  let last = 0;
  let i = text.indexOf('&');
  while (i !== -1) {
    let j = i + 1;
    let decoded: string | undefined;
    if (text.charCodeAt(j) === 35 /* # */) {
      const hex = text.charCodeAt(j + 1) === 120 || text.charCodeAt(j + 1) === 88;
      j += hex ? 2 : 1;
      const start = j;
      while (j < text.length && (hex ? isHex(text.charCodeAt(j)) : isDigit(text.charCodeAt(j)))) j++;
      if (j > start && text.charCodeAt(j) === 59 /* ; */)
        decoded = codePointText(parseInt(text.slice(start, j), hex ? 16 : 10));
    } else {
      const start = j;
      while (j < text.length && isLetter(text.charCodeAt(j))) j++;
      if (j > start && text.charCodeAt(j) === 59) decoded = NAMED_ENTITIES.get(text.slice(start, j).toLowerCase());
    }
    if (decoded !== undefined) {
      out.push(text.slice(last, i), decoded);
      last = j + 1;
    }
    // Resume after the scanned run (it holds no '&'), so every character is looked at a bounded number of times.
    i = text.indexOf('&', decoded !== undefined ? j + 1 : Math.max(i + 1, j));
  }
  out.push(text.slice(last));
  return out.join('');
}

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

interface Tag {
  name: string;
  closing: boolean;
  href?: string;
  /** Index just after the tag's `>`. */
  end: number;
}

/** Collapses whitespace: runs of spaces to one, no spaces around line breaks, at most one blank line. */
function collapseWhitespace(text: string): string {
  const out: string[] = [];
  let newlines = 0;
  let space = false;
  let start = -1;
  const flush = (to: number): void => {
    if (start !== -1) out.push(text.slice(start, to));
    start = -1;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      flush(i);
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      newlines++;
    } else if (c === 32 || c === 9 || c === 12 || c === 11 || c === 0xa0) {
      flush(i);
      space = true;
    } else {
      if (start === -1) {
        if (out.length > 0) out.push(newlines > 0 ? (newlines > 1 ? '\n\n' : '\n') : space ? ' ' : '');
        start = i;
      }
      newlines = 0;
      space = false;
    }
  }
  flush(text.length);
  return out.join('').trim();
}

export interface HtmlToTextOptions {
  /** Default MAX_HTML_INPUT_CHARS. */
  maxInputChars?: number;
}

export function htmlToText(input: string, options: HtmlToTextOptions = {}): string {
  const max = options.maxInputChars ?? MAX_HTML_INPUT_CHARS;
  const html = input.length > max ? input.slice(0, max) : input;
  // ASCII-only lower case keeps every index of `lower` equal to the same index of `html`.
  const lower = html.replace(/[A-Z]+/g, (run) => run.toLowerCase());
  const find = createFinder(lower);
  const out: string[] = [];
  /**
   * The open `<a href>`: its URL, where its output starts and its label's text. Until `</a>` the
   * content is converted as usual (so an unclosed link is just text); `</a>` replaces that output
   * with "label (url)", the label being the link's text without any markup.
   */
  let link: { href: string; outStart: number; label: string[] } | undefined;
  const text = (s: string): void => {
    if (s === '') return;
    out.push(s);
    link?.label.push(s);
  };
  const markup = (s: string): void => {
    out.push(s);
  };
  const closeLink = (): void => {
    if (!link) return;
    const label = link.label.join('').trim();
    const url = decodeEntities(link.href.trim());
    const lowerUrl = url.toLowerCase();
    out.length = link.outStart;
    link = undefined;
    if (!url || url.startsWith('#') || lowerUrl.startsWith('javascript:') || label === url || label === '')
      out.push(label);
    else out.push(`${label} (${url})`);
  };

  /**
   * Reads the tag at `<` (i): name, closing flag, href, end; undefined when it is not a tag, 'eof'
   * when it runs to the end of the input (then the rest is text: no later tag can end either).
   */
  const readTag = (i: number): Tag | undefined | 'eof' => {
    let j = i + 1;
    const closing = html.charCodeAt(j) === 47; /* / */
    if (closing) j++;
    if (!isLetter(html.charCodeAt(j))) return undefined;
    const nameStart = j;
    while (j < html.length && isNameChar(html.charCodeAt(j))) j++;
    const name = lower.slice(nameStart, j);
    let href: string | undefined;
    // Attributes: name[=value]; a quoted value may hold '>'. An unclosed quote ends at the next '>'.
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
      const quote = html.charAt(j);
      let value: string;
      if (quote === '"' || quote === "'") {
        const close = find(quote, j + 1);
        if (close === -1) {
          const gt = find('>', j + 1);
          if (gt === -1) return 'eof';
          value = html.slice(j + 1, gt);
          j = gt;
        } else {
          value = html.slice(j + 1, close);
          j = close + 1;
        }
      } else {
        const start = j;
        while (j < html.length && !isSpace(html.charCodeAt(j)) && html.charCodeAt(j) !== 62) j++;
        value = html.slice(start, j);
      }
      if (attr === 'href' && href === undefined) href = value;
    }
  };

  let i = 0;
  let textStart = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt === -1) break;
    const next = html.charCodeAt(lt + 1);
    let resume: number | undefined;
    if (next === 33 /* ! */ && html.startsWith('<!--', lt)) {
      text(decodeEntities(html.slice(textStart, lt)));
      const end = find('-->', lt + 4);
      resume = end === -1 ? html.length : end + 3;
    } else if (next === 33 || next === 63 /* ? */) {
      text(decodeEntities(html.slice(textStart, lt)));
      const end = find('>', lt + 2);
      resume = end === -1 ? html.length : end + 1;
    } else {
      const tag = readTag(lt);
      if (tag === 'eof') break;
      if (tag) {
        text(decodeEntities(html.slice(textStart, lt)));
        resume = applyTag(tag);
      }
    }
    if (resume === undefined) {
      i = lt + 1; // a literal '<' (e.g. "a < b"): part of the text
    } else {
      i = resume;
      textStart = resume;
    }
  }
  text(decodeEntities(html.slice(textStart)));
  if (html.length < input.length)
    out.push(`\n\n[… the rest of this HTML body (${input.length - html.length} characters) was not converted]`);
  return collapseWhitespace(out.join(''));

  /** Emits what a tag stands for; returns where the scan goes on. */
  function applyTag(tag: Tag): number {
    const { name, closing } = tag;
    if (!closing && HIDDEN.has(name)) {
      const end = find(`</${name}`, tag.end);
      if (end === -1) return html.length;
      const gt = find('>', end);
      return gt === -1 ? html.length : gt + 1;
    }
    if (!closing && name === 'head') {
      // The head's content is never shown; it ends at </head>, or where <body> starts.
      const end = find('</head', tag.end);
      const body = end === -1 ? find('<body', tag.end) : -1;
      const stop = end !== -1 ? end : body;
      if (stop === -1) return tag.end;
      const gt = end !== -1 ? find('>', end) : stop - 1;
      return gt === -1 ? html.length : gt + 1;
    }
    if (name === 'a') {
      if (closing) closeLink();
      else if (!link && tag.href !== undefined) link = { href: tag.href, outStart: out.length, label: [] };
      return tag.end;
    }
    if (name === 'br') markup('\n');
    else if (name === 'li') markup(closing ? '' : '\n- ');
    else if (name === 'td' || name === 'th') markup(closing ? '' : ' ');
    else if (BLOCK.has(name)) markup('\n');
    return tag.end;
  }
}
