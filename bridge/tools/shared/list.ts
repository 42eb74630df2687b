/**
 * One page of a Graph collection as a list tool result: the `cursor` input, the page fetch through
 * the runtime's opaque cursor, shaping, and the capped text (head line, one entry per item, and the
 * "more results" cursor note, which is never cut).
 */
import { z } from 'zod';
import type { GraphCall, ToolContext, ToolResult } from '../tool.ts';
import { moreNote } from './define.ts';
import { capText } from './text.ts';

/** The `cursor` input of every paged list tool. */
export const cursorInput = z.string().optional().describe('Cursor from a previous call to get the next page.');

/** Head line and entries capped to `max` characters with `hint` in the cut note; the cursor note stays whole. */
export function listText(
  head: string,
  lines: readonly string[],
  nextCursor: string | null,
  max: number,
  hint = 'use a smaller top',
): string {
  const note = moreNote(nextCursor);
  return capText([head, ...lines].join('\n'), max - note.length, hint).text + note;
}

export interface ListPageOptions<G, S> {
  /** The structured result's key for the items, e.g. "chats" (next to `nextCursor`). */
  key: string;
  shape(item: G): S;
  line(item: S): string;
  /** The first line, e.g. "3 chat(s):". */
  head(items: readonly S[]): string;
  /** What to do when the text is cut (default "use a smaller top"). */
  hint?: string;
}

/**
 * Fetches one page (`cursor` from a previous call replaces path and query) and returns it as the
 * tool result: `{ [key]: shaped items, nextCursor }` plus the capped text.
 */
export async function listPage<G, S>(
  ctx: ToolContext,
  call: GraphCall,
  cursor: string | undefined,
  options: ListPageOptions<G, S>,
): Promise<ToolResult> {
  const page = await ctx.graph.page<G>(call, cursor);
  const items = page.items.map((item) => options.shape(item));
  const text = listText(
    options.head(items),
    items.map((item) => options.line(item)),
    page.nextCursor,
    ctx.limits.maxResultChars,
    options.hint,
  );
  return { text, structured: { [options.key]: items, nextCursor: page.nextCursor } };
}
