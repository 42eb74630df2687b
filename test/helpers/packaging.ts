/**
 * What electron-builder.yml packs into the app (app.asar + app.asar.unpacked) for one target, computed
 * with electron-builder's OWN file matchers (app-builder-lib's FileMatcher, getMainFileMatchers,
 * getNodeModuleFileMatcher and macro expansion — the code its packager runs) against the real project
 * tree and node_modules. No Electron binary needed: it never copies anything.
 *
 * The walk mirrors the packager's: the app's own files through the main matchers, every production
 * dependency (package.json `dependencies`, resolved like node does, nested ones too) through the
 * node_modules matcher, and each `files` FileSet (`from`/`to`/`filter`, top level + the platform's
 * section) through its own matcher. test/integration/packaging-unpacked.test.ts checks this against a
 * real `electron-builder --dir` run. Not modelled: the per-file defaults electron-builder drops from
 * copied node_modules (READMEs, *.d.ts, …) — with node_modules copied wholesale (the configuration
 * before #13) the computed set is a superset of the real one; with only FileSets, it is exact.
 */
import { existsSync, lstatSync, readFileSync, readdirSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

const require = createRequire(import.meta.url);

interface Matcher {
  readonly from: string;
  readonly to: string;
  readonly patterns: string[];
  isEmpty(): boolean;
  containsOnlyIgnore(): boolean;
  prependPattern(pattern: string): void;
  createFilter(): (file: string, stat: Stats & { moduleFullFilePath?: string }) => boolean;
}
type MacroExpander = (pattern: string) => string;
interface FileMatcherModule {
  FileMatcher: new (from: string, to: string, expand: MacroExpander, patterns?: string[]) => Matcher;
  getMainFileMatchers(
    appDir: string,
    destination: string,
    expand: MacroExpander,
    platformOptions: object,
    platformPackager: object,
    outDir: string,
    isElectronCompile: boolean,
  ): Matcher[];
  getNodeModuleFileMatcher(
    appDir: string,
    destination: string,
    expand: MacroExpander,
    platformOptions: object,
    packager: object,
  ): Matcher;
  getFileMatchers(
    config: object,
    name: 'extraResources',
    destination: string,
    options: { macroExpander: MacroExpander; customBuildOptions: object; globalOutDir: string; defaultSrc: string },
  ): Matcher[] | null;
}
const eb = require('app-builder-lib/out/fileMatcher.js') as FileMatcherModule;
const { expandMacro } = require('app-builder-lib/out/util/macroExpander.js') as {
  expandMacro: (pattern: string, arch: string | null, appInfo: object, extra: Record<string, string>) => string;
};

export type TargetPlatform = 'linux' | 'darwin' | 'win32';
export interface Target {
  platform: TargetPlatform;
  arch: 'x64' | 'arm64';
}
export const TARGETS: readonly Target[] = [
  { platform: 'linux', arch: 'x64' },
  { platform: 'darwin', arch: 'arm64' },
  { platform: 'win32', arch: 'x64' },
];
/** electron-builder's name for the platform section of the config (and the `${os}` macro). */
const CONFIG_KEY: Record<TargetPlatform, 'linux' | 'mac' | 'win'> = { linux: 'linux', darwin: 'mac', win32: 'win' };

export interface PackagedFile {
  /** Path inside the app (app.asar), posix separators. */
  path: string;
  size: number;
}
export interface PackagedApp {
  /** Files in app.asar (and app.asar.unpacked), sorted by path. */
  app: PackagedFile[];
  /** Files in resources/ beside app.asar (extraResources). */
  resources: PackagedFile[];
}

const posix = (p: string): string => p.split(sep).join('/');

/** Files under `from` that `filter` keeps, walking only into directories it keeps (as builder-util's walk does). */
function walk(from: string, filter: (file: string, stat: Stats) => boolean, out: string[]): void {
  for (const name of readdirSync(from).sort()) {
    const file = join(from, name);
    const stat = lstatSync(file);
    if (!filter(file, stat)) continue;
    if (stat.isDirectory()) walk(file, filter, out);
    else out.push(file);
  }
}

/** Production dependencies as installed: name → directory, nested installs included (like `npm ls --omit dev --all`). */
export function productionDependencies(projectDir: string): Map<string, string> {
  const root = resolve(projectDir);
  const found = new Map<string, string>();
  const visit = (pkgDir: string): void => {
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      let dir = pkgDir;
      let depDir: string | null = null;
      for (;;) {
        const candidate = join(dir, 'node_modules', name);
        if (existsSync(join(candidate, 'package.json'))) {
          depDir = candidate;
          break;
        }
        const parent = dirname(dir);
        if (parent === dir || relative(root, parent).startsWith('..')) break;
        dir = parent;
      }
      if (depDir === null || found.has(posix(relative(root, depDir)))) continue;
      found.set(posix(relative(root, depDir)), depDir);
      visit(depDir);
    }
  };
  visit(root);
  return found;
}

/** The package electron-builder would lay out for `target` from `config` (the parsed electron-builder.yml). */
export function packagedApp(projectDir: string, config: Record<string, unknown>, target: Target): PackagedApp {
  const root = resolve(projectDir);
  const key = CONFIG_KEY[target.platform];
  const platformOptions: object = config[key] ?? {};
  const productName = String(config.productName);
  const appInfo = { productName, sanitizedProductName: productName, productFilename: productName };
  const expand: MacroExpander = (p) => expandMacro(p, target.arch, appInfo, { os: key, '/*': '{,/**/*}' });
  // Only string manipulation: nothing is written to these paths.
  const appDest = join(root, '.packaging-preview', 'resources', 'app');
  const outDir = join(root, String((config.directories as { output?: string } | undefined)?.output ?? 'dist'));
  const packager = {
    info: {
      isPrepackedAppAsar: false,
      projectDir: root,
      buildResourcesDir: resolve(root, (config.directories as { buildResources?: string }).buildResources ?? 'build'),
      config,
      debugLogger: { isEnabled: false },
    },
  };
  const files = new Map<string, number>();
  const add = (matcher: Matcher, file: string): void => {
    const inApp = posix(relative(appDest, join(matcher.to, relative(matcher.from, file))));
    files.set(inApp, lstatSync(file).size);
  };

  // The app's own files and every `files` FileSet (copyFiles: an ignore-only matcher means "all but").
  const mainMatchers = eb.getMainFileMatchers(root, appDest, expand, platformOptions, packager, outDir, false);
  for (const matcher of mainMatchers) {
    if (!existsSync(matcher.from)) continue;
    if (matcher.isEmpty() || matcher.containsOnlyIgnore()) matcher.prependPattern('**/*');
    const found: string[] = [];
    if (lstatSync(matcher.from).isFile()) found.push(matcher.from);
    else walk(matcher.from, matcher.createFilter(), found);
    for (const file of found) add(matcher, file);
  }

  // Production dependencies, through the node_modules matcher (the `files` exclusions).
  const moduleMatcher = eb.getNodeModuleFileMatcher(root, appDest, expand, platformOptions, packager.info);
  for (const [inRoot, dir] of productionDependencies(root)) {
    const matcher = new eb.FileMatcher(dir, join(appDest, inRoot), expand, moduleMatcher.patterns);
    if (matcher.isEmpty()) {
      const all: string[] = [];
      walk(dir, () => true, all);
      for (const file of all) add(matcher, file);
      continue;
    }
    const filter = matcher.createFilter();
    const found: string[] = [];
    walk(
      dir,
      (file, stat) =>
        filter(file, Object.assign(stat, { moduleFullFilePath: posix(join(inRoot, relative(dir, file))) })),
      found,
    );
    for (const file of found) add(matcher, file);
  }

  const resources = new Map<string, number>();
  const resourcesDir = dirname(appDest);
  const extra = eb.getFileMatchers(config, 'extraResources', resourcesDir, {
    macroExpander: expand,
    customBuildOptions: platformOptions,
    globalOutDir: outDir,
    defaultSrc: root,
  });
  for (const matcher of extra ?? []) {
    if (!existsSync(matcher.from) || !lstatSync(matcher.from).isFile()) continue;
    resources.set(posix(relative(resourcesDir, matcher.to)), lstatSync(matcher.from).size);
  }

  const sorted = (m: Map<string, number>): PackagedFile[] =>
    [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, size]) => ({ path, size }));
  return { app: sorted(files), resources: sorted(resources) };
}

/** `node_modules/@scope/name/…` → `@scope/name` (the outermost package; nested node_modules count as their own). */
export function packageOf(path: string): string | null {
  const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*\/node_modules\/)/.exec(path);
  return m?.[1] ?? null;
}

export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
