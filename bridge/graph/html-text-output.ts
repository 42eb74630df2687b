/**
 * The text html-to-text.ts builds: content text, markup (line breaks, list markers) and links. Until
 * `</a>` a link's content is output as usual (so an unclosed link is just text); closing it replaces that
 * output with "label (url)", the label being the link's text without any markup.
 */
import { decodeEntities } from './html-entities.ts';

export interface TextOutput {
  /** Content text (part of an open link's label). */
  text(s: string): void;
  /** Line breaks and markers: not part of a label. */
  markup(s: string): void;
  /** Starts a link unless one is open (a link inside a link is the outer one's content). */
  openLink(href: string): void;
  /** Ends the open link, if any, as "label (url)" (or only the label for a local, script or bare URL). */
  closeLink(): void;
  /** Everything output so far. */
  joined(): string;
}

export function createTextOutput(): TextOutput {
  const out: string[] = [];
  /** The open `<a href>`: its URL, where its output starts and its label's text. */
  let link: { href: string; outStart: number; label: string[] } | undefined;
  return {
    text(s) {
      if (s === '') return;
      out.push(s);
      link?.label.push(s);
    },
    markup(s) {
      out.push(s);
    },
    openLink(href) {
      if (!link) link = { href, outStart: out.length, label: [] };
    },
    closeLink() {
      if (!link) return;
      const label = link.label.join('').trim();
      const url = decodeEntities(link.href.trim());
      const lowerUrl = url.toLowerCase();
      out.length = link.outStart;
      link = undefined;
      if (!url || url.startsWith('#') || lowerUrl.startsWith('javascript:') || label === url || label === '')
        out.push(label);
      else out.push(`${label} (${url})`);
    },
    joined: () => out.join(''),
  };
}
