import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { decodeEntities, htmlToText, MAX_HTML_INPUT_CHARS } from '../../../../bridge/graph/html-to-text.ts';
import { CRAFTED_HTML } from '../../../helpers/crafted-html.ts';
import type { ConvertedHtml } from '../../../helpers/html-to-text-worker.ts';
import { bodyToText, truncateText } from '../../../../bridge/graph/shape.ts';

test('drops head, style and script; keeps paragraphs and line breaks', () => {
  const html =
    '<html><head><title>x</title><style>p{color:red}</style></head><body><script>alert(1)</script>' +
    '<p>Hello&nbsp;Ada,</p><p>Line one<br>Line two</p><div>Thanks &amp; regards</div></body></html>';
  assert.equal(htmlToText(html), 'Hello Ada,\n\nLine one\nLine two\n\nThanks & regards');
});

test('lists become dashes, links keep their URL, comments vanish', () => {
  const html = '<!-- hidden --><ul><li>One</li><li><a href="https://contoso.com/a?b=1&amp;c=2">Two</a></li></ul>';
  assert.equal(htmlToText(html), '- One\n- Two (https://contoso.com/a?b=1&c=2)');
});

test('a link whose text is its URL is not repeated', () => {
  assert.equal(htmlToText('<a href="https://x.example">https://x.example</a>'), 'https://x.example');
});

test('entities: named, decimal, hex, and unknown left alone', () => {
  assert.equal(decodeEntities('&lt;a&gt; &#8364; &#x20AC; &quot;q&quot; &bogus;'), '<a> € € "q" &bogus;');
  assert.equal(decodeEntities('&#99999999;'), '&#99999999;');
});

test('whitespace collapses and blank lines are limited to one', () => {
  assert.equal(htmlToText('<p>a   b</p>\n\n\n<p>\n</p><p>c</p>'), 'a b\n\nc');
});

test('bodyToText converts only HTML bodies', () => {
  assert.equal(bodyToText({ contentType: 'html', content: '<b>x</b>' }), 'x');
  assert.equal(bodyToText({ contentType: 'text', content: '  <b>x</b> ' }), '<b>x</b>');
  assert.equal(bodyToText(undefined), '');
});

test('truncateText cuts at a boundary and says so', () => {
  const text = 'word '.repeat(100);
  const t = truncateText(text, 52, 'body');
  assert.equal(t.truncated, true);
  assert.equal(t.totalChars, 500);
  assert.match(t.text, /^word word/);
  assert.match(t.text, /\[… body truncated: showing \d+ of 500 characters\]$/);
  assert.deepEqual(truncateText('short', 10), { text: 'short', truncated: false, totalChars: 5 });
});

test('entity names are looked up as entities only (no prototype keys), numeric ones in range', () => {
  assert.equal(
    decodeEntities('&constructor; &toString; &#x110000; &#65;&#x42;'),
    '&constructor; &toString; &#x110000; AB',
  );
  assert.equal(decodeEntities('&&amp;&#;&#x;&amp'), '&&&#;&#x;&amp');
});

test('malformed markup: a literal <, an unclosed link, a quoted >, an unclosed script or comment', () => {
  assert.equal(htmlToText('<p>a < b, 1<2 &lt;p&gt;</p>'), 'a < b, 1<2 <p>');
  assert.equal(htmlToText('<a href="https://x.example">open<br>link'), 'open\nlink');
  assert.equal(htmlToText('<a title="a>b" href="https://x.example">t</a>'), 't (https://x.example)');
  assert.equal(htmlToText('<p>shown</p><script>hidden'), 'shown');
  assert.equal(htmlToText('<p>shown</p><!-- hidden <p>also hidden</p>'), 'shown');
  assert.equal(htmlToText('<head><style>x</style><body><p>no closing head</p>'), 'no closing head');
});

test('the input is capped before conversion, with a note saying how much was left out', () => {
  const text = htmlToText(`<p>${'a'.repeat(100)}</p>`, { maxInputChars: 50 });
  assert.match(text, /^a{47}\n\n\[… the rest of this HTML body \(57 characters\) was not converted\]$/);
});

/**
 * Converts every crafted body in a worker and collects the results; a converter still busy after
 * `ceilingMs` (a generous ceiling for a hang: the regex converter took 168 s at 48 KB) fails the test.
 */
async function convertCrafted(sizes: number[], ceilingMs: number): Promise<Map<string, string>> {
  // The worker registers tsx itself (a worker does not inherit the test's TypeScript loader).
  const script = new URL('../../../helpers/html-to-text-worker.ts', import.meta.url).href;
  const worker = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(script)}); })`,
    { eval: true, workerData: sizes },
  );
  const results = new Map<string, string>();
  const expected = sizes.length * CRAFTED_HTML.length;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const done = [...results.keys()].join('; ');
        reject(new Error(`the converter was still busy after ${ceilingMs} ms (finished: ${done || 'none'})`));
      }, ceilingMs);
      worker.on('message', (m: ConvertedHtml) => {
        results.set(`${m.name} @${m.size}`, m.text);
        if (results.size === expected) {
          clearTimeout(timer);
          resolve();
        }
      });
      worker.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  } finally {
    await worker.terminate();
  }
  return results;
}

test('crafted bodies that made the regex converter backtrack convert fully, at 48 KB and 1 MB', async () => {
  const sizes = [48 * 1024, 1024 * 1024];
  const results = await convertCrafted(sizes, 25_000);
  const note = /\n?\n?\[… the rest of this HTML body \(\d+ characters\) was not converted\]$/;
  for (const size of sizes) {
    for (const crafted of CRAFTED_HTML) {
      const text = results.get(`${crafted.name} @${size}`);
      assert.ok(text !== undefined, crafted.name);
      const capped = size > MAX_HTML_INPUT_CHARS;
      assert.equal(
        note.test(text),
        capped,
        `${crafted.name} @${size}: the note appears exactly when the input was capped`,
      );
      assert.ok(text.replace(note, '').length <= Math.min(size, MAX_HTML_INPUT_CHARS), `${crafted.name} @${size}`);
    }
  }
  const at48 = (name: string): string => results.get(`${name} @${48 * 1024}`) ?? '';
  // No tag ever ends: the whole body is text, as before.
  assert.match(at48('unclosed <a href=" repeated'), /^(<a href=")+[<a hre="]*$/);
  // An unclosed link is its text (the cut at the end leaves a partial tag, which is text).
  assert.match(at48('<a href="x"> repeated, never closed'), /^y+(<[a-z" =]*)?$/);
  assert.match(at48('<a href="x"> repeated, one </a> at the end'), /^y+ \(x\)$/);
  assert.equal(at48('<!-- repeated without -->'), '');
  assert.equal(at48('<script> repeated without </script>'), 'visible');
  // A head that never ends shows its text, as browsers do (the text starts the body).
  assert.match(at48('<head> repeated without </head>'), /^visible\nx+(<[a-z]*)?$/);
  assert.equal(at48('nested <div><b> 1 level per 8 chars'), '');
  assert.match(at48("'<' repeated"), /^<+$/);
  assert.equal(at48('whitespace runs between newlines'), 'a\n\nb');
  assert.equal(at48('many attributes in one tag'), 'end');
});
