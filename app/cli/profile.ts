/**
 * The global `--home <dir>` option: the same as GRAPH_BRIDGE_HOME=<dir> (config, state and run dirs
 * under <dir>), accepted by every command and anywhere before `--`, so every command the product prints
 * for a non-default profile can name it and work when pasted as printed.
 */
import { resolve } from 'node:path';
import { createPlatform } from '../platform/platform.ts';
import type { CliDeps } from './command.ts';

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

/** CliDeps for the profile in `dir` (relative to the working directory): env and every path follow it. */
export function withHome(deps: CliDeps, dir: string): CliDeps {
  const env = { ...deps.env, GRAPH_BRIDGE_HOME: resolve(deps.cwd, dir) };
  return {
    ...deps,
    env,
    platform: createPlatform({
      env,
      platform: deps.platform.os,
      homedir: deps.platform.homedir,
      username: deps.platform.username,
      uid: deps.platform.uid,
    }),
  };
}
