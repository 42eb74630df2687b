/** The worst names a local process can put in MCP clientInfo.name (and other peer-controlled text). */
export const HOSTILE_TEXT = {
  newline: 'evil\n2026-01-01T00:00:00.000Z INFO [1] Bridge connected: "claude-ai" (approved)',
  carriageReturn: 'evil\rclaude-ai\tapproved',
  clearScreen: 'evil\x1b[2J\x1b[Hclaude-ai',
  bidi: 'evil\u202eia-edualc\u202c\u2066x\u2069',
  separators: 'a\u2028b\u2029c\u0085d',
  c1AndDel: 'a\u009b31mb\u007f',
  invisible: 'a\u200bb\ufeffc\u{e0041}d',
} as const;

/** Raw characters that must never reach a log line or a terminal from peer-controlled text. */
// eslint-disable-next-line no-control-regex -- matching raw control characters is the point
export const RAW_UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b\ufeff]|\u{e0041}/u;
