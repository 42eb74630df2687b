/** The status window's source files (app/window/**.ts) with their text, for tests that read the code. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const WINDOW = join(import.meta.dirname, '..', '..', '..', 'app', 'window');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : name.endsWith('.ts') ? [p] : [];
  });
}

export function windowSources(): { file: string; text: string }[] {
  return tsFiles(WINDOW).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}
