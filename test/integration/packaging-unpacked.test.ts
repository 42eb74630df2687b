/**
 * A real `electron-builder --linux --x64 --dir` build of electron-builder.yml, offline: the Electron
 * binary is the one input electron-builder would download, so `electronDist` points it at a stub
 * directory holding a fake `electron` executable. Everything else — collecting node_modules, applying
 * `files`/FileSets/macros, writing app.asar and app.asar.unpacked, extraResources — is electron-builder's
 * own run. Then:
 *  - the archive holds exactly the files test/helpers/packaging.ts computes for linux-x64 (so the unit
 *    test's per-platform computation is checked against the real packager);
 *  - the packaged CLI, run from the extracted package alone (nothing above it has node_modules), loads
 *    the keychain (keytar through msal-node-extensions) and finds the OS-broker binary it looks for.
 * Needs dist/ (npm run build). Not a check of Electron itself: there is none on this machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mib, packagedApp, TARGETS, type Target } from '../helpers/packaging.ts';
import { withTempDir } from '../helpers/temp-dir.ts';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('../../', import.meta.url));
const yaml = require('js-yaml') as { load(text: string): unknown };
interface AsarEntry {
  files?: Record<string, AsarEntry>;
  size?: number;
  unpacked?: boolean;
}
const asar = require('@electron/asar') as {
  getRawHeader(archive: string): { header: AsarEntry };
  extractAll(archive: string, dest: string): void;
};
const LINUX_X64 = TARGETS.find((t) => t.platform === 'linux') as Target;

function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out }));
  });
}

async function diskUsage(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const name of await readdir(path)) total += await diskUsage(join(path, name));
  return total;
}

function listAsar(node: AsarEntry, prefix: string, out: Map<string, number>): void {
  for (const [name, child] of Object.entries(node.files ?? {})) {
    const path = prefix === '' ? name : `${prefix}/${name}`;
    if (child.files !== undefined) listAsar(child, path, out);
    else out.set(path, child.size ?? 0);
  }
}

const skip = !existsSync(join(root, 'dist', 'main.cjs'))
  ? 'dist/ is not built (npm run build)'
  : !existsSync(join(root, 'node_modules', 'electron-builder', 'cli.js'))
    ? 'electron-builder is not installed'
    : false;
if (skip !== false) console.log(`# packaging-unpacked: skipped — ${skip}`);

test(
  'a real electron-builder --dir build packs dist/, package.json and the linux-x64 native modules only',
  { skip },
  async (t) => {
    await withTempDir('gb-pack-', async (dir) => {
      const electronDist = join(dir, 'electron-stub');
      await mkdir(electronDist);
      await writeFile(join(electronDist, 'electron'), '#!/bin/sh\nexit 0\n');
      await chmod(join(electronDist, 'electron'), 0o755);
      const output = join(dir, 'release');
      const built = await run(
        process.execPath,
        [
          join(root, 'node_modules', 'electron-builder', 'cli.js'),
          '--config',
          'electron-builder.yml',
          '--linux',
          '--x64',
          '--dir',
          `-c.electronDist=${electronDist}`,
          `-c.directories.output=${output}`,
        ],
        { cwd: root, env: { ...process.env, CI: '1' } },
      );
      assert.equal(built.code, 0, built.out);
      const resources = join(output, 'linux-unpacked', 'resources');
      assert.deepEqual((await readdir(resources)).sort(), ['app.asar', 'app.asar.unpacked', 'bridge.js']);

      const real = new Map<string, number>();
      listAsar(asar.getRawHeader(join(resources, 'app.asar')).header, '', real);
      const computed = packagedApp(
        root,
        yaml.load(await readFile(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>,
        LINUX_X64,
      );
      // Same files, same bytes — but for package.json files, which electron-builder rewrites (drops
      // scripts, devDependencies, …): only their paths are compared.
      const sizeOf = (path: string, size: number): number | 'rewritten' =>
        path.endsWith('package.json') ? 'rewritten' : size;
      assert.deepEqual(
        [...real].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, size]) => [path, sizeOf(path, size)]),
        computed.app.map((f) => [f.path, sizeOf(f.path, f.size)]),
        'the real build and the computed file set differ',
      );
      t.diagnostic(
        `linux-x64 --dir build: ${real.size} files in app.asar (+unpacked), resources/ ${mib(await diskUsage(resources))} on disk`,
      );

      // Run the packaged CLI from the extracted package only: every module it loads must be in it.
      const app = join(dir, 'app');
      asar.extractAll(join(resources, 'app.asar'), app);
      const home = join(dir, 'home');
      const env: NodeJS.ProcessEnv = { ...process.env, GRAPH_BRIDGE_HOME: home };
      delete env.NODE_PATH;
      const status = await run(process.execPath, [join(app, 'dist', 'cli.js'), 'status'], { cwd: dir, env });
      assert.equal(status.code, 0, status.out);
      assert.match(status.out, /Token cache:\s+keychain\b/, status.out);

      // The OS-broker binary msal-node-runtime's loader computes on this host is in the package; loading it
      // may still fail for a missing system library (webkit), never for a missing file.
      const addon = join(app, 'node_modules/@azure/msal-node-runtime/dist/linux/ubuntu/x64/msal-node-runtime.node');
      const probe = await run(
        process.execPath,
        [
          '-e',
          `try { require(${JSON.stringify(addon)}); console.log('loaded') } catch (e) {` +
            ` console.log(e.code === 'MODULE_NOT_FOUND' ? 'missing' : 'system: ' + e.message.split('\\n')[0]) }`,
        ],
        { cwd: dir, env },
      );
      assert.doesNotMatch(probe.out, /missing/, probe.out);
      t.diagnostic(`packaged OS-broker runtime on this host: ${probe.out.trim()}`);
    });
  },
);
