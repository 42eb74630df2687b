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
 *
 *   html-scan.ts          character classes, the remembering indexOf, reading one tag
 *   html-entities.ts      character references
 *   html-text-output.ts   the text being built, with links rewritten to "text (url)"
 *   here                  the scan: comments and declarations skipped, what each tag stands for
 */
import { decodeEntities } from './html-entities.ts';
import { readTag, scanOf, type HtmlScan, type Tag } from './html-scan.ts';
import { createTextOutput, type TextOutput } from './html-text-output.ts';

export { decodeEntities } from './html-entities.ts';

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

/**
 * Where the scan resumes after a comment, `<!…>` or `<?…>` starting at `lt` (the end of the input when
 * it is unclosed); undefined when none starts there.
 */
function declarationEnd(scan: HtmlScan, lt: number): number | undefined {
  const { html, find } = scan;
  const next = html.charCodeAt(lt + 1);
  if (next === 33 /* ! */ && html.startsWith('<!--', lt)) {
    const end = find('-->', lt + 4);
    return end === -1 ? html.length : end + 3;
  }
  if (next === 33 || next === 63 /* ? */) {
    const end = find('>', lt + 2);
    return end === -1 ? html.length : end + 1;
  }
  return undefined;
}

/** Where the scan resumes after an element whose content is never shown; undefined for other tags. */
function hiddenEnd(scan: HtmlScan, tag: Tag): number | undefined {
  const { html, find } = scan;
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
  return undefined;
}

/** Emits what a tag stands for; returns where the scan goes on. */
function applyTag(scan: HtmlScan, out: TextOutput, tag: Tag): number {
  const hidden = hiddenEnd(scan, tag);
  if (hidden !== undefined) return hidden;
  const { name, closing } = tag;
  if (name === 'a') {
    if (closing) out.closeLink();
    else if (tag.href !== undefined) out.openLink(tag.href);
  } else if (name === 'br') out.markup('\n');
  else if (name === 'li') out.markup(closing ? '' : '\n- ');
  else if (name === 'td' || name === 'th') out.markup(closing ? '' : ' ');
  else if (BLOCK.has(name)) out.markup('\n');
  return tag.end;
}

export interface HtmlToTextOptions {
  /** Default MAX_HTML_INPUT_CHARS. */
  maxInputChars?: number;
}

export function htmlToText(input: string, options: HtmlToTextOptions = {}): string {
  const max = options.maxInputChars ?? MAX_HTML_INPUT_CHARS;
  const html = input.length > max ? input.slice(0, max) : input;
  const scan = scanOf(html);
  const out = createTextOutput();
  let i = 0;
  let textStart = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt === -1) break;
    let resume = declarationEnd(scan, lt);
    if (resume !== undefined) out.text(decodeEntities(html.slice(textStart, lt)));
    else {
      const tag = readTag(scan, lt);
      if (tag === 'eof') break;
      if (tag) {
        out.text(decodeEntities(html.slice(textStart, lt)));
        resume = applyTag(scan, out, tag);
      }
    }
    if (resume === undefined) {
      i = lt + 1; // a literal '<' (e.g. "a < b"): part of the text
    } else {
      i = resume;
      textStart = resume;
    }
  }
  out.text(decodeEntities(html.slice(textStart)));
  if (html.length < input.length)
    out.markup(`\n\n[… the rest of this HTML body (${input.length - html.length} characters) was not converted]`);
  return collapseWhitespace(out.joined());
}
