/**
 * The status window renders peer-controlled strings (client names, tools, approval summaries, audit
 * rows) with text nodes only (app/window/dom.ts `h`). This keeps it that way: no source file of the
 * window may use an API that parses a string as HTML.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const WINDOW = join(import.meta.dirname, '..', '..', '..', 'app', 'window');
const HTML_SINKS =
  /\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write(ln)?|createContextualFragment|DOMParser|srcdoc)\b/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : name.endsWith('.ts') ? [p] : [];
  });
}

test('app/window never parses a string as HTML', () => {
  const files = sources(WINDOW);
  assert.ok(files.length > 5, 'found the window sources');
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    assert.doesNotMatch(text, HTML_SINKS, file);
  }
});
