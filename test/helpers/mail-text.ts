/**
 * Reads the mail tools' text results back into values for assertions (the mail tools return text
 * only): list_messages/search_messages entries, the cursor note, get_message headers.
 */
export interface ListedMessage {
  id: string;
  /** "2026-03-16 09:12" (UTC, to the minute). */
  received: string;
  from: string;
  flags: string[];
  isRead: boolean;
  hasAttachments: boolean;
  subject: string;
  preview?: string;
}

const ENTRY =
  /^- \[([^\]]+)\] (\d{4}-\d{2}-\d{2} \d{2}:\d{2}|\S*) from (.*?)(?: \(([^()]*)\))?\n {2}Subject: (.*)(?:\n {2}Preview: (.*))?$/gm;

export function parseMessageList(text: string): ListedMessage[] {
  return [...text.matchAll(ENTRY)].map((m) => {
    const flags = (m[4] ?? '').split(', ').filter(Boolean);
    return {
      id: m[1] ?? '',
      received: m[2] ?? '',
      from: m[3] ?? '',
      flags,
      isRead: !flags.includes('unread'),
      hasAttachments: flags.includes('attachments'),
      subject: m[5] ?? '',
      ...(m[6] !== undefined ? { preview: m[6] } : {}),
    };
  });
}

/** The cursor of the "More results" note, or null. */
export function nextCursorOf(text: string): string | null {
  return /More results: call again with the same arguments and cursor "([^"]+)"\./.exec(text)?.[1] ?? null;
}

/** A `Name: value` header line of a get_message result. */
export function headerOf(text: string, name: string): string | undefined {
  return new RegExp(`^${name}: (.*)$`, 'm').exec(text.split('\n\n')[0] ?? '')?.[1];
}

/** The body of a get_message result (after the header block). */
export function bodyOf(text: string): string {
  const i = text.indexOf('\n\n');
  return i < 0 ? '' : text.slice(i + 2);
}
