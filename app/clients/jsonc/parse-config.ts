/**
 * Parses an editor's config file with jsonc-parser (never JSON.parse: it loses comments and offsets)
 * and turns the first syntax error into a message that names the file, line and column.
 *
 * `json` files (Claude Desktop, Claude Code) must be strict JSON because those editors read them with
 * JSON.parse; `jsonc` files (VS Code, Zed, Cursor, Windsurf) may hold comments and trailing commas.
 * An empty (or whitespace-only) file counts as `{}`.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { errResult, type ClientsError } from '../result.ts';
import { detectStyle, lineAndColumn, splitBom, type TextStyle } from './text-style.ts';
import { ok, type Result } from '../../shared/result.ts';

export type ConfigSyntax = 'json' | 'jsonc';

export interface ParsedConfig {
  /** The text without its BOM; every offset in `root` is relative to it. */
  body: string;
  style: TextStyle;
  /** The root object node, or null when the file is empty. */
  root: Node | null;
}

const EXPLANATIONS: Readonly<Record<string, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'expected a property name in double quotes (a trailing comma before "}" also causes this)',
  ValueExpected: 'expected a value (a trailing comma before "]" or "}" also causes this)',
  ColonExpected: 'expected ":" after the property name',
  CommaExpected: 'expected "," between two entries',
  CloseBraceExpected: 'expected "}" — an object is not closed',
  CloseBracketExpected: 'expected "]" — a list is not closed',
  EndOfFileExpected: 'unexpected text after the end of the JSON value',
  InvalidCommentToken: 'comments are not allowed in this file (the editor reads it as strict JSON)',
  UnexpectedEndOfComment: 'a /* comment */ is not closed',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfNumber: 'a number is cut off',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
};

function describe(error: ParseError): string {
  const name = printParseErrorCode(error.error);
  return EXPLANATIONS[name] ?? name;
}

export function parseConfig(text: string, syntax: ConfigSyntax, file: string): Result<ParsedConfig, ClientsError> {
  const { body } = splitBom(text);
  const style = detectStyle(text);
  if (body.trim() === '') return ok({ body, style, root: null });
  const errors: ParseError[] = [];
  const root = parseTree(body, errors, {
    disallowComments: syntax === 'json',
    allowTrailingComma: syntax === 'jsonc',
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (first !== undefined) {
    const { line, column } = lineAndColumn(body, first.offset);
    return errResult(
      'CONFIG_INVALID',
      `${file} is not valid ${syntax === 'jsonc' ? 'JSON with comments' : 'JSON'}: line ${line}, column ${column}: ` +
        `${describe(first)}. Graph Bridge did not change the file. Fix it in a text editor (or move it aside ` +
        `to start fresh), then run the command again.`,
      { file, line, column },
    );
  }
  if (root?.type !== 'object') {
    return errResult(
      'CONFIG_UNEXPECTED_SHAPE',
      `${file} must contain a JSON object ({ … }) but holds ${root === undefined ? 'nothing' : `a ${root.type}`}. ` +
        `Graph Bridge did not change the file. Fix or move it aside, then run the command again.`,
      { file },
    );
  }
  return ok({ body, style, root });
}
