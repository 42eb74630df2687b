/**
 * HTML → text on bodies built to make a converter backtrack (test/helpers/crafted-html.ts), at 48 KB
 * and 1 MB (the converter caps its input at MAX_HTML_INPUT_CHARS). Printed, never asserted; the old
 * regex converter took 168 s on the 48 KB `<a href="` body.
 */
import { performance } from 'node:perf_hooks';
import { htmlToText, MAX_HTML_INPUT_CHARS } from '../../bridge/graph/html-to-text.ts';
import { CRAFTED_HTML } from '../helpers/crafted-html.ts';

export function run(): Promise<void> {
  console.log(`input cap ${MAX_HTML_INPUT_CHARS} characters; median of 5 runs after one warm-up`);
  for (const size of [48 * 1024, 1024 * 1024]) {
    for (const crafted of CRAFTED_HTML) {
      const html = crafted.build(size);
      htmlToText(html); // warm-up: the figure is the steady state, not the first compile
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        htmlToText(html);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      console.log(`html-to-text ${size / 1024} KiB ${crafted.name}: ${times[2]!.toFixed(2)} ms`);
    }
  }
  return Promise.resolve();
}
