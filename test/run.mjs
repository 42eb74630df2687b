#!/usr/bin/env node
// Test entry point for every tier: `node test/run.mjs unit|integration|e2e|all [file filter…]`.
// Runs node's built-in test runner (with tsx for TypeScript) over test/<tier>/**/*.test.ts.
// Integration and e2e tests need a Secret Service (the real OS keychain on Linux): when no session
// bus is present, this re-runs itself inside `dbus-run-session` with an unlocked gnome-keyring.
// After an integration or e2e tier passes, every Graph request the emulator received (logged to a
// fresh temp dir through GRAPH_BRIDGE_EMULATOR_REQUEST_LOG) is checked against Microsoft's Graph
// v1.0 schema (test/graph-schema/check-log.ts); an invalid request fails the tier.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureKeyringSession } from './helpers/keyring-reexec.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const [tierArg = 'all', ...filters] = process.argv.slice(2);
const tiers = tierArg === 'all' ? ['unit', 'integration', 'e2e'] : [tierArg];
for (const t of tiers) {
  if (!['unit', 'integration', 'e2e'].includes(t)) {
    console.error(`Unknown test tier "${t}". Use unit, integration, e2e or all.`);
    process.exit(2);
  }
}

if (tiers.some((t) => t !== 'unit')) ensureKeyringSession();

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'fixtures' ? [] : walk(p);
    return name.endsWith('.test.ts') ? [p] : [];
  });
}

let failed = false;
for (const tier of tiers) {
  const files = walk(join(root, 'test', tier))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  if (files.length === 0) {
    console.log(`# ${tier}: no test files`);
    continue;
  }
  console.log(`# ${tier}: ${files.length} file(s)`);
  const args = [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${tier === 'unit' ? 2 : 1}`,
    `--test-timeout=${tier === 'unit' ? 30_000 : 180_000}`,
    ...files.map((f) => relative(root, f)),
  ];
  const requestLog = tier === 'unit' ? undefined : mkdtempSync(join(tmpdir(), `graph-bridge-${tier}-requests-`));
  const env = requestLog ? { ...process.env, GRAPH_BRIDGE_EMULATOR_REQUEST_LOG: requestLog } : process.env;
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root, env });
  if (r.status !== 0) failed = true;
  if (requestLog && r.status === 0) {
    const check = spawnSync(
      process.execPath,
      ['--import', 'tsx', join('test', 'graph-schema', 'check-log.ts'), requestLog],
      { stdio: 'inherit', cwd: root, env: process.env },
    );
    if (check.status !== 0) {
      failed = true;
      console.log(
        `# ${tier}: Graph requests invalid for Microsoft Graph v1.0 (above); the log is kept in ${requestLog}`,
      );
    } else rmSync(requestLog, { recursive: true, force: true });
  } else if (requestLog) console.log(`# ${tier}: Graph request log kept in ${requestLog}`);
}
process.exit(failed ? 1 : 0);
