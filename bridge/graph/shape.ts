/**
 * Result shaping shared by tools: bodies as text, character caps with a note, compact JSON.
 */
import { htmlToText } from './html-to-text.ts';

export interface Truncated {
  text: string;
  truncated: boolean;
  totalChars: number;
}

/** Caps text at `max` characters (cutting at a line/word boundary when close) and appends a note. */
export function truncateText(text: string, max: number, what = 'text'): Truncated {
  if (text.length <= max) return { text, truncated: false, totalChars: text.length };
  let cut = text.slice(0, max);
  const boundary = Math.max(cut.lastIndexOf('\n'), cut.lastIndexOf(' '));
  if (boundary > max * 0.8) cut = cut.slice(0, boundary);
  return {
    text: `${cut.trimEnd()}\n[… ${what} truncated: showing ${cut.length} of ${text.length} characters]`,
    truncated: true,
    totalChars: text.length,
  };
}

/** Graph itemBody -> plain text (takes microsoft-graph-types' ItemBody, whose fields may be null). */
export function bodyToText(body: { contentType?: string | null; content?: string | null } | undefined | null): string {
  if (!body?.content) return '';
  return body.contentType?.toLowerCase() === 'html' ? htmlToText(body.content) : body.content.trim();
}

/** `$select` value from a field list. */
export function select(fields: readonly string[]): string {
  return fields.join(',');
}

/** JSON for a tool's text content, capped (the structured copy carries the same data). */
export function compactJson(value: unknown, max: number): string {
  const text = JSON.stringify(value);
  return text.length <= max ? text : truncateText(text, max, 'result').text;
}

/** Drops null/undefined/empty-array fields so results stay small. */
export function prune<T extends Record<string, unknown>>(obj: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    out[k] = v;
  }
  return out as Partial<T>;
}
