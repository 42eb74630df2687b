import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEntities, htmlToText } from '../../../../bridge/graph/html-to-text.ts';
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
