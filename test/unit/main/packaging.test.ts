/**
 * What electron-builder.yml packs, per target (linux-x64, darwin-arm64, win32-x64), computed with
 * electron-builder's own file matchers against the real node_modules tree (test/helpers/packaging.ts):
 * dist/, package.json and the native modules loaded at run time (build/externals.mjs) — only their
 * run-time files, for that platform only. Plus: the RunAsNode fuse stays on (#14), since editors run
 * the bridge through ELECTRON_RUN_AS_NODE.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATIVE_EXTERNALS } from '../../../build/externals.mjs';
import { mib, packagedApp, packageOf, TARGETS, type PackagedApp, type Target } from '../../helpers/packaging.ts';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const root = fileURLToPath(new URL('../../../', import.meta.url));
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
const distBuilt = existsSync(join(root, 'dist', 'main.cjs'));
const TRAY_ICON_FILES = readdirSync(join(root, 'build/resources/tray')).filter((f) => f.endsWith('.png'));

/** msal-node-runtime's dist/index.cjs: dist/<windows|macos|linux/<distro>>/<arch>/msal-node-runtime.node. */
const RUNTIME_DIRS: Record<Target['platform'], string[]> = {
  linux: ['linux/rhel10', 'linux/rhel8_9', 'linux/ubuntu'],
  darwin: ['macos'],
  win32: ['windows'],
};
const NATIVE_BINARY = /\.(node|so|dylib|dll)$/;
const label = (t: Target): string => `${t.platform}-${t.arch}`;

/** The file `require(name)` loads from a package: exports["."].require (or .default), else main. */
function runtimeEntry(name: string): string {
  const pkg = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
    main?: string;
    exports?: Record<string, { require?: string | { default?: string } }>;
  };
  const req = pkg.exports?.['.']?.require;
  const entry = (typeof req === 'string' ? req : req?.default) ?? pkg.main ?? 'index.js';
  return entry.replace(/^\.\//, '');
}

/** The native files a package must bring for `target` (exact paths inside the package). */
function requiredNatives(name: string, t: Target): string[] {
  if (name === 'keytar') return ['build/Release/keytar.node'];
  if (name === '@azure/msal-node-runtime')
    return RUNTIME_DIRS[t.platform].map((d) => `dist/${d}/${t.arch}/msal-node-runtime.node`);
  if (name === '@azure/msal-node-extensions') return t.platform === 'win32' ? [`bin/${t.arch}/dpapi.node`] : [];
  return [];
}

/** A packaged file of a native module is allowed when it is its package.json, its entry, or a binary for `t`. */
function allowedInPackage(name: string, file: string, t: Target): boolean {
  if (file === 'package.json' || file === runtimeEntry(name)) return true;
  if (!NATIVE_BINARY.test(file)) return false;
  if (name === 'keytar') return file === 'build/Release/keytar.node';
  if (name === '@azure/msal-node-runtime')
    return RUNTIME_DIRS[t.platform].some(
      (d) => file.startsWith(`dist/${d}/${t.arch}/`) && !file.slice(0, -1).includes('/', `dist/${d}/${t.arch}/`.length),
    );
  if (name === '@azure/msal-node-extensions') return t.platform === 'win32' && file === `bin/${t.arch}/dpapi.node`;
  return false;
}

/** Why `app` is not "dist/, package.json and the target's native modules"; empty when it is. */
function violations(app: PackagedApp, t: Target): string[] {
  const problems: string[] = [];
  const paths = new Set(app.app.map((f) => f.path));
  for (const { path } of app.app) {
    if (path === 'package.json') continue;
    if (path.startsWith('dist/')) {
      if (path === 'dist/bridge.js') problems.push('dist/bridge.js is in app.asar (it ships as a resource)');
      continue;
    }
    const name = packageOf(path);
    if (name === null || !NATIVE_EXTERNALS.includes(name)) {
      problems.push(`${path} is not dist/, package.json or a native module loaded at run time`);
      continue;
    }
    const inPackage = path.slice(path.indexOf(`node_modules/${name}/`) + `node_modules/${name}/`.length);
    if (path !== `node_modules/${name}/${inPackage}` || !allowedInPackage(name, inPackage, t))
      problems.push(`${path} is not a run-time file of ${name} for ${label(t)}`);
  }
  if (!paths.has('package.json')) problems.push('package.json is missing');
  for (const name of NATIVE_EXTERNALS) {
    for (const file of ['package.json', runtimeEntry(name), ...requiredNatives(name, t)])
      if (!paths.has(`node_modules/${name}/${file}`)) problems.push(`node_modules/${name}/${file} is missing`);
  }
  if (distBuilt) {
    const main = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string }).main;
    for (const f of [main, 'dist/package.json', 'dist/preload.cjs', 'dist/cli.js', 'dist/window/index.html'])
      if (!paths.has(f)) problems.push(`${f} is missing`);
    // The tray icons (+ @2x and macOS templates) and the window icon main loads from dist/icons/.
    for (const f of [...TRAY_ICON_FILES.map((n) => `dist/icons/tray/${n}`), 'dist/icons/app.png'])
      if (!paths.has(f)) problems.push(`${f} is missing`);
  }
  const resources = app.resources.map((r) => r.path);
  if (distBuilt && JSON.stringify(resources) !== JSON.stringify(['bridge.js']))
    problems.push(`resources beside app.asar are ${JSON.stringify(resources)}, not ["bridge.js"]`);
  return problems;
}

function summary(app: PackagedApp): string {
  const packages = new Set(app.app.map((f) => packageOf(f.path)).filter((p) => p !== null));
  const bytes = app.app.reduce((sum, f) => sum + f.size, 0);
  return `${app.app.length} files, ${packages.size} packages (${[...packages].sort().join(', ')}), ${mib(bytes)}`;
}

/** The config as it was before the native-only rules: every production dependency copied. */
const withoutNativeRules = (): Record<string, unknown> => ({
  ...config,
  files: (config.files as unknown[]).filter((f) => typeof f === 'string' && !f.includes('node_modules')),
});

for (const target of TARGETS) {
  test(`${label(target)}: the package is dist/, package.json and the native modules for ${label(target)} only`, (t) => {
    const app = packagedApp(root, config, target);
    t.diagnostic(`${label(target)}: ${summary(app)}${distBuilt ? '' : ' (dist/ not built: bundles not counted)'}`);
    assert.deepEqual(violations(app, target), []);
  });
}

test("the check has teeth: copying production dependencies, other platforms' binaries or dropping keytar fail", (t) => {
  const linux = TARGETS[0] as Target;
  const everything = packagedApp(root, withoutNativeRules(), linux);
  t.diagnostic(
    `without the native-only rules (every production dependency, before electron-builder's per-file exclusions): ${summary(everything).replace(/ \(.*\)/, '')}`,
  );
  const wholesale = violations(everything, linux);
  assert.ok(
    wholesale.some((v) => v.startsWith('node_modules/zod/')),
    wholesale.slice(0, 5).join('\n'),
  );
  assert.ok(
    wholesale.some((v) => v.includes('msal-node-runtime/dist/windows/')),
    "the other platforms' OS-broker builds are flagged",
  );

  const files = config.files as unknown[];
  const allRuntime = files.map((f) =>
    typeof f === 'object' && f !== null && (f as { from?: string }).from === 'node_modules/@azure/msal-node-runtime'
      ? { ...f, filter: ['**/*'] }
      : f,
  );
  const crossPlatform = violations(packagedApp(root, { ...config, files: allRuntime }, linux), linux);
  assert.ok(
    crossPlatform.some((v) => v.includes('/dist/macos/arm64/')),
    crossPlatform.join('\n'),
  );

  const noKeytar = files.filter((f) => (f as { from?: string }).from !== 'node_modules/keytar');
  const withoutKeytar = violations(packagedApp(root, { ...config, files: noKeytar }, linux), linux);
  assert.ok(
    withoutKeytar.includes('node_modules/keytar/build/Release/keytar.node is missing'),
    withoutKeytar.join('\n'),
  );
});

test('every module the bundles leave external is packaged, and electron-builder.yml names no other', () => {
  const named = new Set<string>();
  const collect = (list: unknown): void => {
    for (const f of Array.isArray(list) ? list : []) {
      const from = (f as { from?: string }).from;
      const name = from === undefined ? null : packageOf(`${from}/`);
      if (name !== null) named.add(name);
    }
  };
  collect(config.files);
  for (const key of ['mac', 'win', 'linux']) collect((config[key] as { files?: unknown }).files);
  assert.deepEqual([...named].sort(), [...NATIVE_EXTERNALS].sort());
});

// --- #14: editors run the bridge with ELECTRON_RUN_AS_NODE=1; the RunAsNode fuse must stay on. -------

const HOOKS = [
  'beforePack',
  'afterExtract',
  'afterPack',
  'afterSign',
  'artifactBuildCompleted',
  'afterAllArtifactBuild',
];
const FUSE_OFF = /RunAsNode\s*\]?\s*[:=]\s*false|runAsNode\s*:\s*false/;

/** Ways the packaged app could lose ELECTRON_RUN_AS_NODE: a fuse config or a build hook/script turning it off. */
function runAsNodeViolations(cfg: Record<string, unknown>, scripts: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const fuses = cfg.electronFuses as { runAsNode?: unknown } | undefined | null;
  if (fuses !== undefined && fuses !== null && fuses.runAsNode === false)
    problems.push('electronFuses.runAsNode is false');
  for (const hook of HOOKS) {
    const value = cfg[hook];
    if (typeof value !== 'string') continue;
    const text = scripts.get(value.replace(/^\.\//, ''));
    if (text !== undefined && FUSE_OFF.test(text)) problems.push(`${hook} (${value}) turns the RunAsNode fuse off`);
  }
  for (const [path, text] of scripts) if (FUSE_OFF.test(text)) problems.push(`${path} turns the RunAsNode fuse off`);
  return [...new Set(problems)];
}

function buildScripts(): Map<string, string> {
  const scripts = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (/\.(m?js|cjs|ts)$/.test(entry.name)) scripts.set(rel, readFileSync(join(root, rel), 'utf8'));
    }
  };
  walk('build');
  return scripts;
}

test('the RunAsNode fuse stays on: no electronFuses.runAsNode: false, no build hook or script flipping it', () => {
  assert.deepEqual(runAsNodeViolations(config, buildScripts()), []);
});

test('the RunAsNode check has teeth', () => {
  const none = new Map<string, string>();
  assert.deepEqual(runAsNodeViolations({ ...config, electronFuses: { runAsNode: false } }, none), [
    'electronFuses.runAsNode is false',
  ]);
  assert.deepEqual(
    runAsNodeViolations({ ...config, electronFuses: { runAsNode: true, enableCookieEncryption: true } }, none),
    [],
  );
  const hook = new Map([
    [
      'build/after-pack.mjs',
      'await flipFuses(exe, { version: FuseVersion.V1, [FuseV1Options.RunAsNode]: false, [FuseV1Options.OnlyLoadAppFromAsar]: true });',
    ],
  ]);
  assert.deepEqual(runAsNodeViolations({ ...config, afterPack: './build/after-pack.mjs' }, hook), [
    'afterPack (./build/after-pack.mjs) turns the RunAsNode fuse off',
    'build/after-pack.mjs turns the RunAsNode fuse off',
  ]);
});
