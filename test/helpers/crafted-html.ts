/**
 * HTML bodies built to make an HTML → text converter spin (issue #11.9): the shapes that made the old
 * regex converter backtrack (`<a href="` repeated took 10.9 s at 24 KB and 168 s at 48 KB) and
 * other look-ahead traps. Used by the unit test (output properties) and `npm run bench` (times).
 */
export interface CraftedHtml {
  name: string;
  /** The body, `chars` long. */
  build(chars: number): string;
}

function repeatTo(unit: string, chars: number, prefix = '', suffix = ''): string {
  const body = unit.repeat(Math.ceil(Math.max(0, chars - prefix.length - suffix.length) / unit.length));
  return (prefix + body).slice(0, Math.max(0, chars - suffix.length)) + suffix;
}

export const CRAFTED_HTML: readonly CraftedHtml[] = [
  { name: 'unclosed <a href=" repeated', build: (n) => repeatTo('<a href="', n) },
  { name: '<a href="x"> repeated, never closed', build: (n) => repeatTo('<a href="x">y', n) },
  {
    name: '<a href="x"> repeated, one </a> at the end',
    build: (n) => {
      const unit = '<a href="x">y';
      const units = Math.floor((n - 4) / unit.length);
      return unit.repeat(units) + 'y'.repeat(n - 4 - units * unit.length) + '</a>';
    },
  },
  { name: '<!-- repeated without -->', build: (n) => repeatTo('<!--', n) },
  { name: '<script> repeated without </script>', build: (n) => repeatTo('<script>', n, '<p>visible</p>') },
  { name: '<head> repeated without </head>', build: (n) => repeatTo('<head>x', n, '<p>visible</p>') },
  { name: "quotes that never close (<a x=')", build: (n) => repeatTo("<a x='", n, '<b title=">') },
  { name: 'many attributes in one tag', build: (n) => repeatTo(' x="a>b"', n, '<p', '>end') },
  { name: "'<' repeated", build: (n) => repeatTo('<', n) },
  { name: 'nested <div><b> 1 level per 8 chars', build: (n) => repeatTo('<div><b>', n) },
  { name: 'entities without ; (&#1111…, &amp…)', build: (n) => repeatTo('&#1111111&ampampamp', n) },
  { name: 'whitespace runs between newlines', build: (n) => repeatTo(' \t \u00a0 \n \r\n', n, 'a', 'b') },
];
