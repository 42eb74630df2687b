/**
 * Text shaping for tool results: HTML bodies to plain text, clipping long strings, and capping a
 * whole result with a note that tells the model how to get the rest.
 */

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
  bull: '•',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Turns an HTML body (mail, event, chat message) into readable plain text. */
export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n• ')
    .replace(/<\/(p|div|h[1-6]|li|tr|table|blockquote|pre|ul|ol)\s*>/gi, '\n')
    .replace(/<(p|div|h[1-6]|tr|table|blockquote|pre|ul|ol)\b[^>]*>/gi, '\n')
    .replace(/<\/t[dh]\s*>/gi, '\t')
    .replace(/<a\b[^>]*\bhref\s*=\s*"(https?:[^"]*)"[^>]*>([\s\S]*?)<\/a\s*>/gi, (_m, href: string, label: string) =>
      label.replace(/<[^>]*>/g, '').trim() === href ? href : `${label} (${href})`,
    )
    .replace(/<[^>]*>/g, '');
  return decodeEntities(text)
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A Graph itemBody ({contentType, content}) as plain text. */
export function bodyToText(body: { contentType?: string; content?: string } | null | undefined): string {
  if (!body?.content) return '';
  return body.contentType?.toLowerCase() === 'html' ? htmlToText(body.content) : body.content.trim();
}

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
