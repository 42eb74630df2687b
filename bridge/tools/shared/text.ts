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

export interface CutBodyOptions {
  /** The body length asked for (e.g. maxBodyChars, or its default). */
  requested: number;
  /** Characters the body and its note may take together (what is left of one result). */
  room: number;
  /** The input that shows more, e.g. "maxBodyChars". */
  option: string;
  /** Where to read the rest when one result cannot show more, e.g. "open it in Outlook: <link>". */
  elsewhere: string;
}

/**
 * A body within `room` characters: cut at `requested` (or at what fits, the ceiling), at a line or
 * word boundary when one is close, with a note naming `option` while a larger value would show more,
 * and `elsewhere` once the ceiling is reached.
 */
export function cutBody(body: string, options: CutBodyOptions): BodyCut & { ceiling: number } {
  // The longest note this cut can need: numbers of up to 7 digits, the longer of the two endings.
  const reserve = 120 + options.option.length + options.elsewhere.length;
  const ceiling = Math.max(200, options.room - reserve);
  const max = Math.min(options.requested, ceiling);
  if (body.length <= max) return { text: body, truncated: false, ceiling };
  let cut = body.slice(0, max);
  const boundary = Math.max(cut.lastIndexOf('\n'), cut.lastIndexOf(' '));
  if (boundary > max * 0.8) cut = cut.slice(0, boundary);
  cut = cut.trimEnd();
  const more =
    max < ceiling
      ? `call again with ${options.option}: ${Math.min(ceiling, body.length)} to see more`
      : `${ceiling} is the most one result can show; ${options.elsewhere}`;
  return {
    text: `${cut}\n[… body cut: showing ${cut.length} of ${body.length} characters; ${more}]`,
    truncated: true,
    ceiling,
  };
}
