/**
 * Worker for the crafted-HTML test: converts every crafted body (test/helpers/crafted-html.ts) at the
 * sizes it is given and posts the results, so the test can give up on a converter that spins (a
 * synchronous conversion cannot be interrupted on the test's own thread).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { htmlToText } from '../../bridge/graph/html-to-text.ts';
import { CRAFTED_HTML } from './crafted-html.ts';

export interface ConvertedHtml {
  name: string;
  size: number;
  text: string;
}

const sizes = workerData as number[];
for (const size of sizes) {
  for (const crafted of CRAFTED_HTML) {
    const result: ConvertedHtml = { name: crafted.name, size, text: htmlToText(crafted.build(size)) };
    parentPort?.postMessage(result);
  }
}
