/** HTML character references for html-to-text.ts: named (the common ones), decimal and hex. */
import { isDigit, isHex, isLetter } from './html-scan.ts';

const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
  ['nbsp', ' '],
  ['ndash', '–'],
  ['mdash', '—'],
  ['hellip', '…'],
  ['rsquo', '’'],
  ['lsquo', '‘'],
  ['rdquo', '”'],
  ['ldquo', '“'],
  ['copy', '©'],
  ['reg', '®'],
  ['trade', '™'],
  ['euro', '€'],
  ['bull', '•'],
  ['middot', '·'],
]);

function codePointText(code: number): string | undefined {
  return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

/** Decodes `&name;`, `&#123;` and `&#x7b;`; anything else (unknown names, no `;`) stays as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  const out: string[] = [];
  let last = 0;
  let i = text.indexOf('&');
  while (i !== -1) {
    let j = i + 1;
    let decoded: string | undefined;
    if (text.charCodeAt(j) === 35 /* # */) {
      const hex = text.charCodeAt(j + 1) === 120 || text.charCodeAt(j + 1) === 88;
      j += hex ? 2 : 1;
      const start = j;
      while (j < text.length && (hex ? isHex(text.charCodeAt(j)) : isDigit(text.charCodeAt(j)))) j++;
      if (j > start && text.charCodeAt(j) === 59 /* ; */)
        decoded = codePointText(parseInt(text.slice(start, j), hex ? 16 : 10));
    } else {
      const start = j;
      while (j < text.length && isLetter(text.charCodeAt(j))) j++;
      if (j > start && text.charCodeAt(j) === 59) decoded = NAMED_ENTITIES.get(text.slice(start, j).toLowerCase());
    }
    if (decoded !== undefined) {
      out.push(text.slice(last, i), decoded);
      last = j + 1;
    }
    // Resume after the scanned run (it holds no '&'), so every character is looked at a bounded number of times.
    i = text.indexOf('&', decoded !== undefined ? j + 1 : Math.max(i + 1, j));
  }
  out.push(text.slice(last));
  return out.join('');
}
