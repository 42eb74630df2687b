/**
 * The layout conventions of an existing config file — byte-order mark, line endings, indentation —
 * detected so that the text we insert looks like the user's own and everything else is untouched.
 */

export interface TextStyle {
  /** The file started with a UTF-8 byte-order mark (kept on write). */
  bom: boolean;
  eol: '\n' | '\r\n';
  /** One indentation step: '\t' or N spaces. */
  indent: string;
}

const BOM = '\uFEFF';
export const DEFAULT_STYLE: TextStyle = { bom: false, eol: '\n', indent: '  ' };

/** Splits a leading BOM off the text (offsets used by the editor are relative to the body). */
export function splitBom(text: string): { bom: boolean; body: string } {
  return text.startsWith(BOM) ? { bom: true, body: text.slice(1) } : { bom: false, body: text };
}

export function joinBom(bom: boolean, body: string): string {
  return bom ? BOM + body : body;
}

function detectEol(body: string): TextStyle['eol'] {
  const crlf = body.split('\r\n').length - 1;
  const lf = body.split('\n').length - 1 - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

/**
 * The indentation step: tabs if indented lines mostly start with a tab, otherwise the smallest
 * non-zero run of leading spaces on a line (2, 4, 3 …). Defaults to two spaces for flat files.
 */
function detectIndent(body: string): string {
  let tabs = 0;
  let spaces = 0;
  let smallest = Number.POSITIVE_INFINITY;
  for (const line of body.split(/\r?\n/)) {
    const lead = /^[ \t]*/.exec(line)?.[0] ?? '';
    if (lead.length === 0 || lead.length === line.length) continue;
    if (lead.startsWith('\t')) tabs++;
    else {
      spaces++;
      const n = /^ */.exec(lead)?.[0].length ?? 0;
      if (n > 0 && n < smallest) smallest = n;
    }
  }
  if (tabs > spaces) return '\t';
  if (spaces > 0 && Number.isFinite(smallest)) return ' '.repeat(Math.min(smallest, 8));
  return DEFAULT_STYLE.indent;
}

export function detectStyle(text: string): TextStyle {
  const { bom, body } = splitBom(text);
  if (body.trim() === '') return { ...DEFAULT_STYLE, bom };
  return { bom, eol: detectEol(body), indent: detectIndent(body) };
}

/**
 * JSON text of `value`, pretty-printed with the file's indent step and line ending; every line after
 * the first is prefixed with `baseIndent` (the indentation of the line the value starts on).
 */
export function prettyValue(value: unknown, baseIndent: string, style: TextStyle): string {
  const text = JSON.stringify(value, null, style.indent);
  return text.split('\n').join(style.eol + baseIndent);
}

/** Leading whitespace of the line that contains `offset`. */
export function lineIndentAt(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))?.[0] ?? '';
}

/** True when only spaces/tabs precede `offset` on its line. */
export function startsLine(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*$/.test(text.slice(lineStart, offset));
}

/** 1-based line and column of an offset (column counts UTF-16 code units, as editors show them). */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}
