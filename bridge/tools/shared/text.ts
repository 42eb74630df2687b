/**
 * Text shaping for tool results: clipping long strings, one-line fields that cannot forge another
 * line, capping a whole result (note included) with a note that tells the model how to get the rest,
 * and cutting a body with a note that names the option showing more. HTML → text lives in
 * bridge/graph/shape.ts.
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

/* eslint-disable no-control-regex */
const ANSI_SEQUENCE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g;
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

/**
 * A value from Graph (a sender name, a subject, a preview) as one clean line: no line breaks (so it
 * cannot pose as another entry of the list), no terminal escapes, control or bidi-override
 * characters, whitespace collapsed, at most `max` characters.
 */
export function plainLine(text: string | null | undefined, max: number): string {
  if (!text) return '';
  return clip(oneLine(withoutControls(text)), max);
}

/** Text without terminal escapes, control (but tab and line breaks) or bidi-override characters. */
export function withoutControls(text: string): string {
  return text.replace(ANSI_SEQUENCE, '').replace(CONTROL, '');
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

export interface BodyCut {
  text: string;
  truncated: boolean;
}

/**
 * A body cut to `max` characters (at a line or word boundary when one is close), with a note naming
 * the option that shows more: `option` up to `ceiling` while `max` is below it, and otherwise where
 * the whole body can be read (`elsewhere`, e.g. "open it in Outlook: <link>").
 */
export function cutBody(
  body: string,
  options: { max: number; ceiling: number; option: string; elsewhere: string },
): BodyCut {
  if (body.length <= options.max) return { text: body, truncated: false };
  let cut = body.slice(0, options.max);
  const boundary = Math.max(cut.lastIndexOf('\n'), cut.lastIndexOf(' '));
  if (boundary > options.max * 0.8) cut = cut.slice(0, boundary);
  cut = cut.trimEnd();
  const more =
    options.max < options.ceiling
      ? `call again with ${options.option}: ${Math.min(options.ceiling, body.length)} to see more`
      : `${options.ceiling} is the most one result can show; ${options.elsewhere}`;
  return {
    text: `${cut}\n[… body cut: showing ${cut.length} of ${body.length} characters; ${more}]`,
    truncated: true,
  };
}
