/**
 * The body of one Outlook item (a message for get_message, an event for get_event) in what one result
 * has left: the `maxBodyChars` input both take, and a cut whose note points to the item in Outlook
 * once one result cannot show more.
 */
import { z } from 'zod';
import { clip, cutBody } from './text.ts';

/** Characters of a body one call shows unless maxBodyChars says otherwise. */
export const DEFAULT_BODY_CHARS = 8000;

export const maxBodyCharsInput = z
  .number()
  .int()
  .min(200)
  .max(100_000)
  .optional()
  .describe(`Default ${DEFAULT_BODY_CHARS}`);

export interface OutlookBodyOptions {
  /** The maxBodyChars input (DEFAULT_BODY_CHARS when not given). */
  requested: number | undefined;
  /** Characters the body and its note may take together (what is left of one result). */
  room: number;
  what: 'message' | 'event';
  /** The item's Outlook link, when Graph gave one. */
  webLink: string | null | undefined;
}

/** `body` cut to fit (see cutBody), its note naming maxBodyChars and then the item in Outlook. */
export function outlookBody(body: string, options: OutlookBodyOptions): string {
  const open = `open the ${options.what} in Outlook`;
  return cutBody(body, {
    requested: options.requested ?? DEFAULT_BODY_CHARS,
    room: options.room,
    option: 'maxBodyChars',
    elsewhere: options.webLink ? `${open} to read the rest: ${clip(options.webLink, 1000)}` : open,
  }).text;
}
