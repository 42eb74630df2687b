#!/usr/bin/env node
/**
 * Entry of the `graph-bridge` command (bundled to dist/cli.js). The only place in app/cli that
 * touches process globals: it builds CliDeps from them, wires Ctrl-C to an AbortSignal and exits
 * with the command's code.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pkg from '../../package.json' with { type: 'json' };
import { createPlatform } from '../platform/platform.ts';
import { defaultAuthFactory } from './auth-factory.ts';
import type { CliDeps } from './command.ts';
import { runCli } from './router.ts';
import { createTerminal } from './terminal.ts';

function bridgeEntry(): string {
  // dist/cli.js -> dist/bridge.js; app/cli/main.ts (tsx) -> <repo>/dist/bridge.js
  const bundled = fileURLToPath(new URL('./bridge.js', import.meta.url));
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
    terminal: createTerminal(process.stdin, process.stderr),
  };
  return runCli(process.argv.slice(2), deps, { authFactory: defaultAuthFactory });
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
