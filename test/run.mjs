#!/usr/bin/env node
// Test entry point for every tier: `node test/run.mjs unit|emulator|integration|e2e|all [file filter…]`.
// Runs node's built-in test runner (with tsx for TypeScript) over test/<tier dir>/**/*.test.ts.
// - unit (test/unit: the product) and emulator (test/emulator-unit: the emulator and the Graph schema
//   checker, test tooling) run their files in one process per core (test/helpers/test-shard.mjs): a
//   process and tsx per file cost more than the tests. Each file is a suite named by its path.
// - integration and e2e run each file in its own process and need a Secret Service (the real OS
//   keychain on Linux): when no session bus is present, this re-runs itself inside `dbus-run-session`
//   with an unlocked gnome-keyring. After such a tier passes, every Graph request the emulator
//   received (logged to a fresh temp dir through GRAPH_BRIDGE_EMULATOR_REQUEST_LOG) is checked against
//   Microsoft's Graph v1.0 schema (test/graph-schema/check-log.ts); an invalid request fails the tier.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureKeyringSession } from './helpers/keyring-reexec.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** shards: processes for a tier run in one process each (0: a process per file). */
const TIERS = {
  unit: { dir: 'test/unit', shards: 2, timeoutMs: 30_000 },
  emulator: { dir: 'test/emulator-unit', shards: 2, timeoutMs: 30_000 },
  integration: { dir: 'test/integration', shards: 0, timeoutMs: 180_000, keyring: true, requestLog: true },
  e2e: { dir: 'test/e2e', shards: 0, timeoutMs: 180_000, keyring: true, requestLog: true },
};
/** A shard process's ceiling: all its files, far above a loaded machine's run. */
const SHARD_TIMEOUT_MS = 600_000;
/** How long a shard may stay alive after its last test before its open handles fail it. */
const SHARD_EXIT_CEILING_MS = 30_000;

const [tierArg = 'all', ...filters] = process.argv.slice(2);
const tiers = tierArg === 'all' ? Object.keys(TIERS) : [tierArg];
for (const t of tiers) {
  if (!Object.hasOwn(TIERS, t)) {
    console.error(`Unknown test tier "${t}". Use ${Object.keys(TIERS).join(', ')} or all.`);
    process.exit(2);
  }
}

if (tiers.some((t) => TIERS[t].keyring)) ensureKeyringSession();

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'fixtures' ? [] : walk(p);
    return name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Deals the files out to n shards, biggest first onto the lightest shard (size stands in for time). */
function deal(files, n) {
  const shards = Array.from({ length: n }, () => ({ files: [], bytes: 0 }));
  const sized = files.map((f) => ({ f, bytes: statSync(join(root, f)).size })).sort((a, b) => b.bytes - a.bytes);
  for (const { f, bytes } of sized) {
    const lightest = shards.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    lightest.files.push(f);
    lightest.bytes += bytes;
  }
  return shards.map((s) => s.files.sort());
}

/** Writes one entry module per shard into dir; returns their paths. */
function writeShardEntries(tier, files, dir) {
  const spec = TIERS[tier];
  const shards = deal(files, Math.min(spec.shards, files.length));
  const helper = pathToFileURL(join(root, 'test/helpers/test-shard.mjs')).href;
  return shards.map((shardFiles, i) => {
    const entry = join(dir, `${tier}-shard-${i + 1}-of-${shards.length}.mjs`);
    const options = { root, files: shardFiles, timeoutMs: spec.timeoutMs, exitCeilingMs: SHARD_EXIT_CEILING_MS };
    writeFileSync(
      entry,
      `import { runTestFiles } from ${JSON.stringify(helper)};\nrunTestFiles(${JSON.stringify(options)});\n`,
    );
    return entry;
  });
}

function runTier(tier, files) {
  const spec = TIERS[tier];
  const scratch = mkdtempSync(join(tmpdir(), `graph-bridge-${tier}-`));
  const testFiles = spec.shards > 0 ? writeShardEntries(tier, files, scratch) : files;
  const args = [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${spec.shards > 0 ? testFiles.length : 1}`,
    `--test-timeout=${spec.shards > 0 ? SHARD_TIMEOUT_MS : spec.timeoutMs}`,
    ...testFiles,
  ];
  const requestLog = spec.requestLog ? scratch : undefined;
  const env = requestLog ? { ...process.env, GRAPH_BRIDGE_EMULATOR_REQUEST_LOG: requestLog } : process.env;
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root, env });
  let ok = r.status === 0;
  if (requestLog && ok) ok = checkRequestLog(tier, requestLog);
  else if (requestLog) console.log(`# ${tier}: Graph request log kept in ${requestLog}`);
  if (!requestLog || ok) rmSync(scratch, { recursive: true, force: true });
  return ok;
}

/** Validates every Graph request the emulator logged during a tier against Microsoft's Graph v1.0 schema. */
function checkRequestLog(tier, requestLog) {
  const check = spawnSync(
    process.execPath,
    ['--import', 'tsx', join('test', 'graph-schema', 'check-log.ts'), requestLog],
    { stdio: 'inherit', cwd: root, env: process.env },
  );
  if (check.status === 0) return true;
  console.log(`# ${tier}: Graph requests invalid for Microsoft Graph v1.0 (above); the log is kept in ${requestLog}`);
  return false;
}

let failed = false;
for (const tier of tiers) {
  const files = walk(join(root, TIERS[tier].dir))
    .map((f) => relative(root, f))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  if (files.length === 0) {
    console.log(`# ${tier}: no test files`);
    continue;
  }
  console.log(`# ${tier}: ${files.length} file(s)`);
  if (!runTier(tier, files)) failed = true;
}
process.exit(failed ? 1 : 0);
