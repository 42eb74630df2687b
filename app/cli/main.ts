#!/usr/bin/env node
/**
 * Entry of the `graph-bridge` command (bundled to dist/cli.js). The only place in app/cli that
 * touches process globals: it builds CliDeps from them, wires Ctrl-C to an AbortSignal and exits
 * with the command's code. `--help`, `--version` and unknown commands are answered before anything
 * else is loaded; the platform (paths, which loads zod) only when a command runs (router.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pkg from '../../package.json' with { type: 'json' };
import { defaultAuthFactory } from './auth-factory.ts';
import type { CliDeps } from './command.ts';
import { answerWithoutCommand, runCli } from './router.ts';
import { extractHome } from './home-option.ts';
import { createTerminal } from './terminal.ts';

function bridgeEntry(): string {
  // dist/cli/main.mjs (behind the dist/cli.js stub) -> dist/bridge.js; app/cli/main.ts (tsx) -> <repo>/dist/bridge.js
  const bundled = fileURLToPath(new URL('../bridge.js', import.meta.url));
  return existsSync(bundled) ? bundled : fileURLToPath(new URL('../../dist/bridge.js', import.meta.url));
}

async function main(): Promise<number> {
  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const argv = process.argv.slice(2);
  const home = extractHome(argv);
  if (home.ok) {
    const io = { stdout: process.stdout, stderr: process.stderr, version: pkg.version };
    const answered = answerWithoutCommand(home.argv, io);
    if (answered !== null) return answered;
  }
  const { createPlatform } = await import('../platform/platform.ts');
  const deps: CliDeps = {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    platform: createPlatform(),
    version: pkg.version,
    signal: abort.signal,
    bridgeEntry: bridgeEntry(),
    execPath: process.execPath,
    terminal: createTerminal(process.stdin, process.stdout, process.stderr),
  };
  return runCli(argv, deps, { authFactory: defaultAuthFactory });
}

main().then(
  (code) => {
    process.exitCode = code;
    // Let stdout drain, then leave even if a library keeps a handle open.
    setTimeout(() => process.exit(code), 50).unref();
  },
  (e: unknown) => {
    process.stderr.write(`graph-bridge: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
