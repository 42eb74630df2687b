/**
 * One page of a Graph collection as a list tool result: the `cursor` input, the page fetch through
 * the runtime's opaque cursor, short ids (ids.ts), shaping, and the list text — a head line, one
 * entry per item and the "more results" cursor note. A text over the limit drops whole entries from
 * the end and says how many were left out; the cursor note is never cut.
 */
import { z } from 'zod';
import type { GraphCall, ToolContext, ToolResult } from '../tool.ts';
import { moreNote } from './define.ts';
import { shortIds, type IdKind } from './ids.ts';
import { clip } from './text.ts';

/** The `cursor` input of every paged list tool. */
export const cursorInput = z
  .string()
  .max(4000)
  .optional()
  .describe('nextCursor from a previous call, to get the next page.');

/** What the model can do about entries left out of a page (default: ask for fewer per page). */
const DEFAULT_HINT = 'ask for fewer per page with top';

/**
 * The list text within `max` characters: head, whole entries, and the cursor note. When the entries
 * do not all fit, the last ones are left out and a note says how many and what to do (`hint`); only
 * a single entry longer than the whole limit is cut.
 */
export function listText(
  head: string,
  lines: readonly string[],
  nextCursor: string | null,
  max: number,
  hint = DEFAULT_HINT,
): string {
  const note = moreNote(nextCursor);
  const full = [head, ...lines].join('\n');
  if (full.length + note.length <= max) return full + note;
  const leftOut = (n: number): string =>
    n === 0 ? '' : `\n[${n} more item(s) of this page left out to stay within ${max} characters; ${hint}]`;
  let used = head.length;
  let shown = 0;
  for (const line of lines) {
    const next = used + 1 + line.length;
    if (next + leftOut(lines.length - shown - 1).length + note.length > max) break;
    used = next;
    shown++;
  }
  const kept = lines.slice(0, shown);
  const first = lines[0];
  if (shown === 0 && first !== undefined) {
    const room = max - head.length - 1 - leftOut(lines.length - 1).length - note.length;
    if (room >= 40) {
      kept.push(clip(first, room));
      shown = 1;
    }
  }
  return [head, ...kept].join('\n') + leftOut(lines.length - shown) + note;
}

export interface ListPageOptions<G, S> {
  /** The structured result's key for the items, e.g. "chats" (next to `nextCursor`). */
  key: string;
  /** Shows each item's `id` as a short handle of this kind (omit: ids stay as Graph sends them). */
  idKind?: IdKind;
  /** `id` is the item's id as the model should see it (its handle, or the raw id). */
  shape(item: G, id: string): S;
  line(item: S): string;
  /** The first line, e.g. "3 chat(s):". */
  head(items: readonly S[]): string;
  /** What to do when entries are left out (default "ask for fewer per page with top"). */
  hint?: string;
}

/** The ids the model sees for a page of items: handles of `kind`, or the raw ids. */
export async function pageIds(
  ctx: ToolContext,
  kind: IdKind | undefined,
  items: readonly { id: string }[],
): Promise<string[]> {
  const raw = items.map((item) => item.id);
  return kind ? shortIds(ctx, kind, raw) : raw;
}

/**
 * Fetches one page (`cursor` from a previous call replaces path and query) and returns it as the
 * tool result: `{ [key]: shaped items, nextCursor }` (every item) plus the list text.
 */
export async function listPage<G extends { id: string }, S>(
  ctx: ToolContext,
  call: GraphCall,
  cursor: string | undefined,
  options: ListPageOptions<G, S>,
): Promise<ToolResult> {
  const page = await ctx.graph.page<G>(call, cursor);
  const ids = await pageIds(ctx, options.idKind, page.items);
  const items = page.items.map((item, i) => options.shape(item, ids[i] ?? item.id));
  const text = listText(
    options.head(items),
    items.map((item) => options.line(item)),
    page.nextCursor,
    ctx.limits.maxResultChars,
    options.hint,
  );
  return { text, structured: { [options.key]: items, nextCursor: page.nextCursor } };
}
