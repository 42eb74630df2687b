/**
 * Text shaping for tool results: clipping long strings and capping a whole result (note included)
 * with a note that tells the model how to get the rest. HTML → text lives in bridge/graph/shape.ts.
 */
export { bodyToText } from '../../graph/shape.ts';

/** Shortens to at most `max` characters, marking the cut with an ellipsis. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Collapses whitespace to single spaces (one-line previews). */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Caps a whole tool result. When it is longer than `max`, cuts it and appends a note saying how much
 * was left out and what to do instead (`hint`, e.g. "use a smaller top or the cursor").
 */
export function capText(text: string, max: number, hint: string): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  const noteFor = (omitted: number): string => `\n[truncated: ${omitted} more characters not shown; ${hint}]`;
  const keep = Math.max(0, max - noteFor(text.length).length);
  return { text: text.slice(0, keep) + noteFor(text.length - keep), truncated: true };
}
