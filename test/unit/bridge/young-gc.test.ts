/**
 * holdYoungGeneration must really keep V8's young generation at its size, not just log that it did:
 * two fresh processes run the same allocation (objects that survive a few scavenges, as a busy bridge's
 * in-flight calls do), one after holding. V8 grows the other one; the held one stays where it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const MODULE = fileURLToPath(new URL('../../../bridge/young-gc.ts', import.meta.url));

const SCRIPT = (hold: boolean): string => `
  const { getHeapSpaceStatistics } = await import('node:v8');
  const { holdYoungGeneration } = await import(${JSON.stringify(MODULE)});
  const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
  let keep = [];
  const churn = (n) => { for (let i = 0; i < n; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 20000) keep = []; } };
  churn(200000);
  const before = young();
  const held = ${hold ? 'holdYoungGeneration()' : 'null'};
  churn(4000000);
  process.stdout.write(JSON.stringify({ before, after: young(), held }));
`;

async function run(hold: boolean): Promise<{ before: number; after: number; held: string | null }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', SCRIPT(hold)],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout) as { before: number; after: number; held: string | null };
}

void test('holdYoungGeneration keeps the young generation at its size; without it V8 grows it', async () => {
  const [held, control] = await Promise.all([run(true), run(false)]);
  assert.match(held.held ?? '', /^\d+\.\d MiB$/, 'reports the size it held');
  assert.ok(control.after > control.before, `V8 grows it without the hold: ${JSON.stringify(control)}`);
  assert.equal(held.after, held.before, `held: ${JSON.stringify(held)}`);
});
