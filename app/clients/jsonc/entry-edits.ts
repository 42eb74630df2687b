/**
 * Minimal text edits that add, replace or remove ONE named entry inside a container object of a
 * JSON/JSONC document (e.g. `mcpServers["graph-bridge"]`), leaving every other byte as it was.
 *
 * Built on jsonc-parser: its parse tree gives node offsets, its scanner finds commas and comments
 * between nodes, and applyEdits applies the result. We do not use `modify(..., {formattingOptions})`
 * because its formatter rewrites whole lines around the edit (it re-wrapped a neighbouring
 * `"x": { "command": "a" }` and `[1,2]` in our experiments); instead the inserted value is
 * pretty-printed on its own in the file's indent and line-ending style.
 *
 * Round trip: remove(add(doc)) === doc whenever the container already existed (empty `{}` included).
 * When we had to create the container, remove leaves it behind as `{}` (we never delete something that
 * might be the user's).
 */
import { applyEdits, createScanner, findNodeAtLocation, getNodeValue, type Edit, type Node } from 'jsonc-parser';
import { errResult, type ClientsError } from '../result.ts';
import { lineIndentAt, prettyValue, startsLine, type TextStyle } from './text-style.ts';
import type { ParsedConfig } from './parse-config.ts';
import { ok, type Result } from '../../shared/result.ts';

/** Where our entry lives: `container` is the path of the object that maps names to servers. */
export interface EntryPath {
  container: readonly string[];
  name: string;
}

// jsonc-parser's SyntaxKind is an ambient const enum (not usable with isolatedModules).
const COMMA = 5;
const LINE_COMMENT = 12;
const BLOCK_COMMENT = 13;
const LINE_BREAK = 14;
const WHITESPACE = 15;
const EOF = 17;

interface Token {
  kind: number;
  start: number;
  end: number;
}

/** Tokens (trivia included) from `from` up to, not including, `to`. */
function tokensBetween(text: string, from: number, to: number): Token[] {
  const scanner = createScanner(text, false);
  scanner.setPosition(from);
  const out: Token[] = [];
  for (;;) {
    const kind: number = scanner.scan();
    const start = scanner.getTokenOffset();
    if (kind === EOF || start >= to) break;
    out.push({ kind, start, end: start + scanner.getTokenLength() });
  }
  return out;
}

function isComment(t: Token): boolean {
  return t.kind === LINE_COMMENT || t.kind === BLOCK_COMMENT;
}

function nodeEnd(node: Node): number {
  return node.offset + node.length;
}

function propertyText(name: string, value: unknown, indent: string, style: TextStyle): string {
  return `${JSON.stringify(name)}: ${prettyValue(value, indent, style)}`;
}

/** Edits that insert `"name": value` as the last property of the object node `obj`. */
function insertProperty(body: string, obj: Node, name: string, value: unknown, style: TextStyle): Edit[] {
  const objIndent = lineIndentAt(body, obj.offset);
  const children = obj.children ?? [];
  const last = children[children.length - 1];
  const open = obj.offset + 1;
  const close = nodeEnd(obj) - 1;
  if (last === undefined) {
    const childIndent = objIndent + style.indent;
    const prop = propertyText(name, value, childIndent, style);
    const inner = tokensBetween(body, open, close);
    const comments = inner.filter(isComment);
    const lastComment = comments[comments.length - 1];
    if (lastComment === undefined) {
      return [
        { offset: open, length: close - open, content: `${style.eol}${childIndent}${prop}${style.eol}${objIndent}` },
      ];
    }
    return [{ offset: lastComment.end, length: 0, content: `${style.eol}${childIndent}${prop}` }];
  }
  const childIndent = startsLine(body, last.offset) ? lineIndentAt(body, last.offset) : objIndent + style.indent;
  const prop = propertyText(name, value, childIndent, style);
  // Keep a trailing comma and same-line comments of the last property where they are: insert after them.
  let hasComma = false;
  let insertAt = nodeEnd(last);
  for (const t of tokensBetween(body, nodeEnd(last), close)) {
    if (t.kind === LINE_BREAK) break;
    if (t.kind === WHITESPACE) continue;
    if (t.kind === COMMA && !hasComma) hasComma = true;
    else if (!isComment(t)) break;
    insertAt = t.end;
  }
  const line = `${style.eol}${childIndent}${prop}${hasComma ? ',' : ''}`;
  if (hasComma) return [{ offset: insertAt, length: 0, content: line }];
  if (insertAt === nodeEnd(last)) return [{ offset: insertAt, length: 0, content: `,${line}` }];
  return [
    { offset: nodeEnd(last), length: 0, content: ',' },
    { offset: insertAt, length: 0, content: line },
  ];
}

/** Edits that remove the property node `prop` from the object node `obj` (inverse of insertProperty). */
function removeProperty(body: string, obj: Node, prop: Node): Edit[] {
  const children = obj.children ?? [];
  const index = children.indexOf(prop);
  const previous = index > 0 ? children[index - 1] : undefined;
  const open = obj.offset + 1;
  const close = nodeEnd(obj) - 1;
  const before = tokensBetween(body, previous === undefined ? open : nodeEnd(previous), prop.offset);
  const after = tokensBetween(body, nodeEnd(prop), close);
  const firstAfter = after.find((t) => t.kind !== WHITESPACE && t.kind !== LINE_BREAK && !isComment(t));
  const commaAfter = firstAfter?.kind === COMMA ? firstAfter : undefined;
  if (children.length === 1 && !before.some(isComment) && !after.some(isComment)) {
    return [{ offset: open, length: close - open, content: '' }];
  }
  const significantBefore = before.filter((t) => t.kind !== WHITESPACE && t.kind !== LINE_BREAK);
  const start = significantBefore[significantBefore.length - 1]?.end ?? (previous ? nodeEnd(previous) : open);
  const end = commaAfter?.end ?? nodeEnd(prop);
  const edits: Edit[] = [{ offset: start, length: end - start, content: '' }];
  const isLast = index === children.length - 1;
  if (isLast && commaAfter === undefined && previous !== undefined) {
    const commaBefore = before.find((t) => t.kind === COMMA);
    if (commaBefore !== undefined) edits.push({ offset: commaBefore.start, length: 1, content: '' });
  }
  return edits;
}

function nestedValue(path: readonly string[], leaf: unknown): unknown {
  return path.reduceRight<unknown>((acc, key) => ({ [key]: acc }), leaf);
}

/** The current value of our entry, or undefined when it is absent. */
export function readEntry(parsed: ParsedConfig, path: EntryPath): unknown {
  if (parsed.root === null) return undefined;
  const node = findNodeAtLocation(parsed.root, [...path.container, path.name]);
  // getNodeValue builds null-prototype objects; a JSON round trip gives plain ones (deep-equal works).
  return node === undefined ? undefined : (JSON.parse(JSON.stringify(getNodeValue(node))) as unknown);
}

/** Names of every entry in the container (ours and others'), for status output. */
export function entryNames(parsed: ParsedConfig, container: readonly string[]): string[] {
  if (parsed.root === null) return [];
  const node = findNodeAtLocation(parsed.root, [...container]);
  if (node?.type !== 'object') return [];
  return (node.children ?? []).map((p) => String(p.children?.[0]?.value));
}

/** New body text with our entry set to `value` (added, or its value replaced). */
export function setEntry(
  parsed: ParsedConfig,
  path: EntryPath,
  value: unknown,
  file: string,
): Result<string, ClientsError> {
  const { body, style, root } = parsed;
  if (root === null) {
    const doc = nestedValue([...path.container, path.name], value);
    return ok(prettyValue(doc, '', style) + style.eol);
  }
  let obj = root;
  for (let i = 0; i < path.container.length; i++) {
    const key = path.container[i] as string;
    const child = findNodeAtLocation(obj, [key]);
    if (child === undefined) {
      const rest = nestedValue([...path.container.slice(i + 1), path.name], value);
      return ok(applyEdits(body, insertProperty(body, obj, key, rest, style)));
    }
    if (child.type !== 'object') {
      return errResult(
        'CONFIG_UNEXPECTED_SHAPE',
        `In ${file}, "${path.container.slice(0, i + 1).join('.')}" is a ${child.type}, not an object of servers. ` +
          `Graph Bridge did not change the file. Fix that key by hand (it should look like {"name": {…}}), then run the command again.`,
        { file },
      );
    }
    obj = child;
  }
  const existing = findNodeAtLocation(obj, [path.name]);
  if (existing === undefined) return ok(applyEdits(body, insertProperty(body, obj, path.name, value, style)));
  const propNode = existing.parent as Node;
  const indent = lineIndentAt(body, propNode.offset);
  const edit: Edit = { offset: existing.offset, length: existing.length, content: prettyValue(value, indent, style) };
  return ok(applyEdits(body, [edit]));
}

/** New body text without our entry, or null when it is not there. */
export function removeEntry(parsed: ParsedConfig, path: EntryPath): string | null {
  const { body, root } = parsed;
  if (root === null) return null;
  const container = findNodeAtLocation(root, [...path.container]);
  if (container?.type !== 'object') return null;
  const value = findNodeAtLocation(container, [path.name]);
  if (value?.parent === undefined) return null;
  return applyEdits(body, removeProperty(body, container, value.parent));
}
