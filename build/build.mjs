#!/usr/bin/env node
// Builds everything that runs outside `tsx`:
//   dist/bridge.js   the stdio MCP bridge, ONE self-contained file (editors spawn it; packaged as a resource),
//                    with the fast-start manifest (bridge/fast-start/generate.ts, run here) inlined
//   dist/cli.js      the `graph-bridge` command (package.json "bin"): a tiny CommonJS stub that imports
//                    dist/cli/main.mjs, the CLI as ES modules split into chunks (see buildCli)
//   dist/main.cjs    Electron main process      dist/preload.cjs   the window's preload (sandboxed)
//   dist/window/     the status window page (index.html, window.js, styles.css)
//   dist/icons/      tray icons (build/resources/tray: @2x, macOS templates) and the window icon
// dist/ holds a package.json {"type":"commonjs"} so the .js bundles are CommonJS both in a checkout
// (where the root package.json says "type":"module") and in the packaged app's resources folder.
import { build } from 'esbuild';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE_EXTERNALS } from './externals.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdirArg = process.argv.find((a) => a.startsWith('--outdir='));
/** `--outdir=<dir>` writes there instead of dist/ (the benchmark builds the bridge exactly like this). */
const dist = outdirArg === undefined ? join(root, 'dist') : resolve(outdirArg.slice('--outdir='.length));
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
/** `--only=bridge,cli` builds a subset (used while iterating); the default builds everything. */
const only = onlyArg === undefined ? null : new Set(onlyArg.slice('--only='.length).split(','));
const want = (name) => only === null || only.has(name);

// import.meta.url has no meaning in a CommonJS bundle: give it the bundle's own file URL, computed at
// first use (URL parsing costs ~1 ms at a bridge's start, and most bundles never ask).
const importMetaShim =
  "var __gbImportMeta = { get url() { return require('node:url').pathToFileURL(__filename).href; } };";
/** jsonc-parser's UMD "main" hides its requires from the bundler: use its ES module build. */
const jsoncAlias = { alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' } };
/** Native or OS-specific modules loaded from node_modules at run time (the only ones packaged: externals.mjs). */
const nativeExternals = [...BUNDLE_EXTERNALS];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'import.meta.url': '__gbImportMeta.url' },
  banner: { js: importMetaShim },
};

function requireEntry(path) {
  if (!existsSync(join(root, path))) throw new Error(`build: entry ${path} is missing`);
  return join(root, path);
}

/**
 * The MCP SDK as its CommonJS build (for the manifest generator). The generator reaches the SDK both
 * statically and through import() (bridge/fast-start/sdk.ts); with the SDK's ES module build esbuild
 * would split zod's ES modules, which the tools share, into eagerly and lazily initialised parts, and
 * zod v4 then initialises out of order ("Class is not a constructor"). As CommonJS the SDK and the
 * zod it requires stay apart, in functions that run at their first require().
 */
const commonJsSdk = {
  name: 'commonjs-sdk',
  setup(b) {
    b.onResolve({ filter: /^@modelcontextprotocol\/sdk(\/|$)/ }, async (args) => {
      if (args.kind === 'require-call' || args.pluginData?.commonJs) return undefined;
      const r = await b.resolve(args.path, {
        kind: 'require-call',
        resolveDir: args.resolveDir,
        pluginData: { commonJs: true },
      });
      return r.errors.length > 0 ? { errors: r.errors } : { path: r.path, sideEffects: r.sideEffects };
    });
  },
};

/** Inputs of an esbuild metafile matching `re` (for the checks below). */
const inputsMatching = (metafile, re) => Object.keys(metafile.inputs).filter((input) => re.test(input));

/**
 * The bridge is built in four esbuild passes into ONE file (docs/bridge.md "Fast start"):
 *  1. bridge/fast-start/engine.ts (zod, the tools, the runtime; no MCP SDK) as a CJS bundle, kept as
 *     a string: main.ts compiles it (with V8's code cache) only when it is first needed, so answering
 *     the handshake does not even parse it;
 *  2. bridge/fast-start/sdk-bundle.ts (the MCP SDK and its zod) as a CJS bundle, brotli-compressed and
 *     base64-encoded: only a handover needs it, so it costs a start as little as possible;
 *  3. bridge/fast-start/generate.ts, run here to record the manifest from the real server;
 *  4. bridge/main.ts with the engine source, its SHA-256 (the code cache's key), the SDK and the
 *     manifest inlined (GRAPH_BRIDGE_ENGINE_SOURCE, GRAPH_BRIDGE_ENGINE_HASH, GRAPH_BRIDGE_SDK_SOURCE,
 *     GRAPH_BRIDGE_FAST_START).
 */
async function buildBridge() {
  const dir = mkdtempSync(join(tmpdir(), 'gb-build-'));
  try {
    const generator = join(dir, 'generate.cjs');
    const [engine, sdk] = await Promise.all([
      build({
        ...common,
        entryPoints: [requireEntry('bridge/fast-start/engine.ts')],
        write: false,
        minify: true,
        metafile: true,
        // main.ts hands the engine the SDK of pass 2; these imports of bridge/fast-start/sdk.ts serve
        // the bridge run from source only.
        external: ['@modelcontextprotocol/sdk', '@modelcontextprotocol/sdk/*'],
      }),
      build({ ...common, entryPoints: [requireEntry('bridge/fast-start/sdk-bundle.ts')], write: false, minify: true }),
      build({
        ...common,
        entryPoints: [requireEntry('bridge/fast-start/generate.ts')],
        outfile: generator,
        plugins: [commonJsSdk],
      }),
    ]);
    const { generateFastStartManifest } = createRequire(import.meta.url)(generator);
    const manifest = await generateFastStartManifest();
    const engineSource = engine.outputFiles[0].text;
    const sdkSource = brotliCompressSync(sdk.outputFiles[0].contents, {
      params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 },
    }).toString('base64');
    const front = await build({
      ...common,
      entryPoints: [requireEntry('bridge/main.ts')],
      outfile: join(dist, 'bridge.js'),
      minify: true,
      metafile: true,
      define: {
        ...common.define,
        GRAPH_BRIDGE_FAST_START: JSON.stringify(JSON.stringify(manifest)),
        GRAPH_BRIDGE_ENGINE_SOURCE: JSON.stringify(engineSource),
        GRAPH_BRIDGE_ENGINE_HASH: JSON.stringify(createHash('sha256').update(engineSource).digest('hex')),
        GRAPH_BRIDGE_SDK_SOURCE: JSON.stringify(sdkSource),
      },
    });
    // The fast start's point: answering initialize/tools/list loads neither zod, the MCP SDK nor the
    // engine; and a tool call does not load the MCP SDK. A stray import would quietly make every
    // editor start slower, so it fails the build.
    const heavy = inputsMatching(
      front.metafile,
      /node_modules\/(zod|@modelcontextprotocol)\/|bridge\/fast-start\/(engine|full|generate)\.ts$|app\/shared\/[^/]*-contract\.ts$/,
    );
    if (heavy.length > 0) {
      throw new Error(
        `build: the bridge's fast start must not bundle ${heavy.slice(0, 3).join(', ')}${heavy.length > 3 ? ` (+${heavy.length - 3} more)` : ''}: something bridge/main.ts imports pulls it in (see docs/bridge.md "Fast start")`,
      );
    }
    const sdkInEngine = inputsMatching(engine.metafile, /node_modules\/@modelcontextprotocol\//);
    if (sdkInEngine.length > 0) throw new Error(`build: the engine must not bundle the MCP SDK (${sdkInEngine[0]})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The CLI as ES modules with code splitting behind a CommonJS stub (dist/cli.js, the package "bin"):
 * router.ts imports each command's module only when it runs, and splitting turns each of those
 * imports into its own chunk, so `--help` and `--version` parse a few KB instead of 1.5 MB, `status`
 * with a running agent never parses MSAL, and only commands that sign in or read the token cache
 * load MSAL and keytar (docs/broker.md "CLI start-up"; figures: `npm run bench -- cli`).
 */
async function buildCli() {
  const outdir = join(dist, 'cli');
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    ...common,
    ...jsoncAlias,
    entryPoints: { main: requireEntry('app/cli/main.ts') },
    outdir,
    format: 'esm',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    metafile: true,
    external: nativeExternals,
    // ES modules have import.meta.url; bundled CommonJS dependencies get a real `require` for builtins.
    define: {},
    banner: {
      js: "import { createRequire as __gbCreateRequire } from 'node:module'; const require = __gbCreateRequire(import.meta.url);",
    },
  });
  // The point of the split: what loads before a command runs must stay small. A static import that
  // drags zod, MSAL or a command into the entry would quietly make every command slower again.
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((f) => f.endsWith('main.mjs'));
  const eager = new Set();
  const visit = (file) => {
    if (eager.has(file)) return;
    eager.add(file);
    for (const i of outputs[file]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  const heavy = [...eager]
    .flatMap((f) => Object.keys(outputs[f].inputs))
    .filter((input) =>
      /node_modules\/(zod|@azure)\/|app\/cli\/commands\/|app\/shared\/[^/]*-contract\.ts$/.test(input),
    );
  if (heavy.length > 0) {
    throw new Error(
      `build: the CLI entry must load no command, zod or MSAL before a command runs, but it statically imports ${heavy.slice(0, 3).join(', ')}${heavy.length > 3 ? ` (+${heavy.length - 3} more)` : ''} (see app/cli/router.ts)`,
    );
  }
  writeFileSync(
    join(dist, 'cli.js'),
    [
      '#!/usr/bin/env node',
      '// graph-bridge: the CLI is in ./cli/ (ES modules, split so that each command loads only what it uses).',
      "'use strict';",
      "import('./cli/main.mjs').catch((e) => {",
      '  process.stderr.write(`graph-bridge: could not start (${e instanceof Error ? e.message : String(e)}).\\n`);',
      '  process.exit(1);',
      '});',
      '',
    ].join('\n'),
  );
  chmodSync(join(dist, 'cli.js'), 0o755);
}

// A full build starts clean; `--only` replaces just what it builds and keeps the rest of dist/.
if (only === null) rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'window'), { recursive: true });
writeFileSync(join(dist, 'package.json'), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');

const started = Date.now();
await Promise.all([
  // The bridge must start fast and carry everything: no externals at all.
  want('bridge') && buildBridge(),
  want('cli') && buildCli(),
  want('main') &&
    build({
      ...common,
      ...jsoncAlias,
      entryPoints: [requireEntry('app/main/main.ts')],
      outfile: join(dist, 'main.cjs'),
      external: nativeExternals,
    }),
  want('preload') &&
    build({
      ...common,
      entryPoints: [requireEntry('app/preload/preload.ts')],
      outfile: join(dist, 'preload.cjs'),
      // A sandboxed preload has no __filename and may require only electron/events/timers/url.
      banner: {},
      define: {},
      external: ['electron'],
      platform: 'node',
    }),
  want('window') &&
    build({
      bundle: true,
      platform: 'browser',
      target: 'chrome130',
      format: 'iife',
      logLevel: 'warning',
      entryPoints: [requireEntry('app/window/window.ts')],
      outfile: join(dist, 'window', 'window.js'),
    }),
]);
for (const file of want('window') ? readdirSync(join(root, 'app/window')) : []) {
  if (/\.(html|css|svg|png)$/.test(file)) copyFileSync(join(root, 'app/window', file), join(dist, 'window', file));
}
// The checked-in tray icons (+ @2x, macOS templates) and the window icon, loaded by app/main/tray/tray-icons.ts.
if (want('main')) {
  const trayIcons = join(root, 'build/resources/tray');
  mkdirSync(join(dist, 'icons', 'tray'), { recursive: true });
  for (const file of readdirSync(trayIcons).filter((f) => f.endsWith('.png')))
    copyFileSync(join(trayIcons, file), join(dist, 'icons', 'tray', file));
  copyFileSync(join(root, 'build/resources/icons/256x256.png'), join(dist, 'icons', 'app.png'));
}
console.log(`build: dist/ written in ${Date.now() - started} ms`);
