/**
 * `npm run bench`: runs every benchmark module in test/bench/ (each exports `run(): Promise<void>`
 * that prints its figures). Goals are printed next to the measurements, never asserted: performance
 * lives here, not in timed tests.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { ensureKeyringSession } from '../helpers/keyring-reexec.mjs';

// The broker figures are for the real configuration: the token cache in the OS keychain.
ensureKeyringSession();

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const modules = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts')
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failed = false;
for (const file of modules) {
  console.log(`\n=== ${file} ===`);
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { run?: () => Promise<void> };
  if (typeof mod.run !== 'function') {
    console.log(`(skipped: ${file} exports no run())`);
    continue;
  }
  try {
    await mod.run();
  } catch (error: unknown) {
    failed = true;
    console.error(`benchmark ${file} failed:`, error);
  }
}
process.exit(failed ? 1 : 0);
