/**
 * The Outlook `Prefer` preferences Graph honours on mail and calendar reads (spec §9.2, §9.8):
 *   - `outlook.body-content-type="text"` or `"html"`: the format of `body` and `uniqueBody` (Graph
 *     converts between them; without the preference bodies come as stored, HTML for Outlook items);
 *   - `outlook.timezone="<zone>"`: event start/end in that zone instead of UTC.
 * Several preferences arrive comma-separated in one header, or as several headers (node joins them
 * with ", "). Each one applied is confirmed in `Preference-Applied`, comma-separated like Prefer.
 */
import { htmlBody, htmlToText } from './seed/mail.ts';

export interface OutlookPreferences {
  bodyContentType?: 'text' | 'html';
  /** The raw zone name as sent (the route decides whether it knows it). */
  timeZone?: string;
}

const PREFERENCE = /([A-Za-z][\w.-]*)\s*=\s*(?:"([^"]*)"|([^,;\s"]*))/g;

export function parsePrefer(header: string | readonly string[] | undefined): OutlookPreferences {
  const text = Array.isArray(header) ? header.join(', ') : ((header as string | undefined) ?? '');
  const out: OutlookPreferences = {};
  for (const match of text.slice(0, 4096).matchAll(PREFERENCE)) {
    const name = (match[1] ?? '').toLowerCase();
    const value = match[2] ?? match[3] ?? '';
    if (name === 'outlook.body-content-type') {
      const kind = value.toLowerCase();
      if (kind === 'text' || kind === 'html') out.bodyContentType = kind;
    } else if (name === 'outlook.timezone' && value !== '') {
      out.timeZone = value;
    }
  }
  return out;
}

export interface ItemBody {
  contentType: 'html' | 'text';
  content: string;
}

/** An item body in the preferred format (as stored without a preference). */
export function bodyAs(body: ItemBody, preferred: OutlookPreferences['bodyContentType']): ItemBody {
  if (preferred === undefined || preferred === body.contentType) return body;
  return preferred === 'text'
    ? { contentType: 'text', content: htmlToText(body.content) }
    : { contentType: 'html', content: htmlBody(body.content.split(/\r?\n/)) };
}

/** `Preference-Applied` for what was applied (no header when nothing was). */
export function preferenceApplied(applied: OutlookPreferences): Record<string, string> {
  const parts: string[] = [];
  if (applied.bodyContentType) parts.push(`outlook.body-content-type="${applied.bodyContentType}"`);
  if (applied.timeZone) parts.push(`outlook.timezone="${applied.timeZone}"`);
  return parts.length ? { 'Preference-Applied': parts.join(', ') } : {};
}
