/**
 * Runs the CLI in-process the way the unit tests need it: a profile at `home` (GRAPH_BRIDGE_HOME),
 * linux paths, captured stdout/stderr, a fake auth service unless one is given. One place for the
 * CliDeps every CLI unit test used to build by hand.
 */
import type { CliDeps } from '../../../app/cli/command.ts';
import { runCli } from '../../../app/cli/router.ts';
import type { AuthFactory } from '../../../app/cli/auth-factory.ts';
import { createPlatform } from '../../../app/platform/platform.ts';
import { createFakeAuth } from '../broker/fake-auth-service.ts';

export interface RunCliOptions {
  home: string;
  /** Added to GRAPH_BRIDGE_HOME. */
  env?: Record<string, string>;
  /** A terminal a person types in (the one-time codes need one); default false. */
  interactive?: boolean;
  /** stdout is a terminal a person reads (the agent shows codes only there); default false. */
  showsOutput?: boolean;
  authFactory?: AuthFactory;
}

export async function runTestCli(
  argv: string[],
  o: RunCliOptions,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const env = { GRAPH_BRIDGE_HOME: o.home, ...o.env };
  const deps: CliDeps = {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    env,
    cwd: o.home,
    platform: createPlatform({ env, platform: 'linux', homedir: o.home, username: 'u', uid: process.getuid?.() ?? 0 }),
    version: '9.9.9',
    signal: new AbortController().signal,
    bridgeEntry: '/nowhere/bridge.js',
    execPath: process.execPath,
    terminal: {
      interactive: o.interactive ?? false,
      showsOutput: o.showsOutput ?? false,
      ask: () => Promise.resolve(null),
    },
  };
  const code = await runCli(argv, deps, { authFactory: o.authFactory ?? (() => Promise.resolve(createFakeAuth())) });
  return { code, out, err };
}
