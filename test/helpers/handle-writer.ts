/**
 * A child process for the handle store's concurrency test (test/integration/bridge-results.test.ts):
 * issues `count` distinct values in batches of 5 into the store in `dir`, as a bridge does per list
 * call, and prints the [value, handle] pairs it got as JSON on stdout.
 *
 *   node --import tsx test/helpers/handle-writer.ts <dir> <tag> <count> <maxBytes>
 */
import { ensureUserTempDir } from '../../bridge/downloads.ts';
import { createHandleStore } from '../../bridge/handles/handle-store.ts';

const [dir = '', tag = 'w', countText = '100', maxBytesText = '262144'] = process.argv.slice(2);
const store = createHandleStore({
  dir,
  ensureDir: () => ensureUserTempDir(dir, undefined),
  maxBytes: Number(maxBytesText),
  log: { warn: (m) => process.stderr.write(`${m}\n`), debug: () => undefined },
});
const pairs: [string, string][] = [];
for (let i = 0; i < Number(countText); i += 5) {
  const values = Array.from({ length: 5 }, (_, j) => `AAMkAG-${tag}-message-${String(i + j).padStart(6, '0')}=`);
  const handles = await store.issue('m', values);
  values.forEach((value, j) => pairs.push([value, handles[j] ?? value]));
}
process.stdout.write(JSON.stringify(pairs));
