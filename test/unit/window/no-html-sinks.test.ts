/**
 * The status window renders peer-controlled strings (client names, tools, approval summaries, audit
 * rows) with text nodes only (app/window/dom.ts `h`). This keeps it that way: no source file of the
 * window may use an API that parses a string as HTML.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { windowSources } from './window-sources.ts';

const HTML_SINKS =
  /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write(ln)?|createContextualFragment|DOMParser|srcdoc)\b/;

test('app/window never parses a string as HTML', () => {
  const files = windowSources();
  assert.ok(files.length > 5, 'found the window sources');
  for (const { file, text } of files) assert.doesNotMatch(text, HTML_SINKS, file);
});
