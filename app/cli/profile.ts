/**
 * The global `--home <dir>` option: the same as GRAPH_BRIDGE_HOME=<dir> (config, state and run dirs
 * under <dir>), accepted by every command and anywhere before `--`, so every command the product prints
 * for a non-default profile can name it and work when pasted as printed.
 */
import { resolve } from 'node:path';
import { createPlatform } from '../platform/platform.ts';
import type { CliDeps } from './command.ts';

export { extractHome, type HomeOption } from './home-option.ts';

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
