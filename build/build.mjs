#!/usr/bin/env node
// Builds everything that runs outside `tsx`:
//   dist/bridge.js   the stdio MCP bridge, ONE self-contained file (editors spawn it; packaged as a resource)
//   dist/cli.js      the `graph-bridge` command (package.json "bin")
//   dist/main.cjs    Electron main process      dist/preload.cjs   the window's preload (sandboxed)
//   dist/window/     the status window page (index.html, window.js, styles.css)
// dist/ holds a package.json {"type":"commonjs"} so the .js bundles are CommonJS both in a checkout
// (where the root package.json says "type":"module") and in the packaged app's resources folder.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const watch = process.argv.includes('--watch');

// import.meta.url has no meaning in a CommonJS bundle: give it the bundle's own file URL.
const importMetaShim = "const __gbImportMetaUrl = require('node:url').pathToFileURL(__filename).href;";
/** Native or OS-specific modules loaded from node_modules at run time (rebuilt for Electron when packaged). */
const nativeExternals = ['keytar', '@azure/msal-node-runtime', '@azure/msal-node-extensions', 'electron'];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'import.meta.url': '__gbImportMetaUrl' },
  banner: { js: importMetaShim },
};

function requireEntry(path) {
  if (!existsSync(join(root, path))) throw new Error(`build: entry ${path} is missing`);
  return join(root, path);
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'window'), { recursive: true });
writeFileSync(join(dist, 'package.json'), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n');

const started = Date.now();
await Promise.all([
  // The bridge must start fast and carry everything: no externals at all.
  build({ ...common, entryPoints: [requireEntry('bridge/main.ts')], outfile: join(dist, 'bridge.js'), minify: true }),
  build({
    ...common,
    entryPoints: [requireEntry('app/cli/main.ts')],
    outfile: join(dist, 'cli.js'),
    external: nativeExternals,
    banner: { js: `#!/usr/bin/env node\n${importMetaShim}` },
  }),
  build({
    ...common,
    entryPoints: [requireEntry('app/main/main.ts')],
    outfile: join(dist, 'main.cjs'),
    external: nativeExternals,
  }),
  build({
    ...common,
    entryPoints: [requireEntry('app/preload/preload.ts')],
    outfile: join(dist, 'preload.cjs'),
    external: ['electron'],
    platform: 'node',
  }),
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
for (const file of readdirSync(join(root, 'app/window'))) {
  if (/\.(html|css|svg|png)$/.test(file)) copyFileSync(join(root, 'app/window', file), join(dist, 'window', file));
}
chmodSync(join(dist, 'cli.js'), 0o755);
console.log(`build: dist/ written in ${Date.now() - started} ms`);
if (watch) console.log('build: --watch is not supported; re-run npm run build');
