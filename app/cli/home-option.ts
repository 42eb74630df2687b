/**
 * Parses the global `--home <dir>` option (see profile.ts). Pure, with no platform import, so the
 * router can strip it before `--help` without loading zod.
 */
export type HomeOption = { ok: true; argv: string[]; home: string | undefined } | { ok: false; message: string };

/** Removes `--home <dir>` / `--home=<dir>` from argv. */
export function extractHome(argv: readonly string[]): HomeOption {
  const out: string[] = [];
  let home: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    let value: string | undefined;
    if (arg === '--home') {
      value = argv[i + 1];
      if (value === undefined || value === '' || value.startsWith('--')) {
        return { ok: false, message: 'option --home needs a directory: --home <dir>.' };
      }
      i++;
    } else if (arg.startsWith('--home=')) value = arg.slice('--home='.length);
    else {
      out.push(arg);
      continue;
    }
    if (value === '') return { ok: false, message: 'option --home needs a directory: --home <dir>.' };
    if (home !== undefined && home !== value) return { ok: false, message: 'give --home only once.' };
    home = value;
  }
  return { ok: true, argv: out, home };
}
