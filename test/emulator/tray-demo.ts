/**
 * `npm run tray:demo` — the tray app against the bundled demo tenant, for development. Production
 * code knows nothing about it: this entry prepares a demo profile and starts Electron on it.
 *
 *  1. checks that this checkout has the Electron binary (npm may have skipped its download), then
 *     builds dist/;
 *  2. starts the emulator as a child process and writes its values as the settings of the demo
 *     profile (GRAPH_BRIDGE_HOME, default ./.graph-bridge-tray-demo) — test/emulator/demo-tenant.ts;
 *  3. prints the demo user to sign in as, then runs `electron dist/main.cjs` with that profile;
 *  4. when the app quits (or on Ctrl-C, which quits it), stops the emulator.
 *
 * Flags: --home <dir>.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createPlatform } from '../../app/platform/platform.ts';
import { prepareTrayDemo } from './demo-tenant.ts';

const root = resolve(import.meta.dirname, '../..');

/** The Electron executable npm installed here, or null (without downloading it, unlike require('electron')). */
export function electronBinary(electronDir: string, env: Readonly<Record<string, string | undefined>>): string | null {
  const pathFile = join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override !== undefined && override !== '') return join(override, relative === '' ? 'electron' : relative);
  if (relative === '') return null;
  const full = join(electronDir, 'dist', relative);
  return existsSync(full) ? full : null;
}

export const NO_ELECTRON =
  'npm run tray:demo: Electron is not installed in this checkout (node_modules/electron has no binary: its ' +
  'download was skipped or failed), so the tray app cannot start here. On a desktop with network access run ' +
  '"node node_modules/electron/install.js" in the checkout, then npm run tray:demo again. Without a desktop, use the ' +
  'headless demo: npm run demo.';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { home: { type: 'string' } } });
  const electron = electronBinary(join(root, 'node_modules', 'electron'), process.env);
  if (electron === null) {
    process.stderr.write(`${NO_ELECTRON}\n`);
    return 1;
  }
  if (spawnSync(process.execPath, [join(root, 'build', 'build.mjs')], { stdio: 'inherit' }).status !== 0) return 1;
  const home = resolve(values.home ?? process.env.GRAPH_BRIDGE_HOME ?? join(process.cwd(), '.graph-bridge-tray-demo'));
  const env = { ...process.env, GRAPH_BRIDGE_HOME: home, ELECTRON_RUN_AS_NODE: undefined };
  const platform = createPlatform({ env });
  process.stdout.write(`Starting the demo tenant for the profile ${home}…\n`);
  const prepared = await prepareTrayDemo({
    checkoutRoot: root,
    nodeCommand: process.execPath,
    env,
    configDir: platform.paths.configDir,
    stateDir: platform.paths.stateDir,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  if (!prepared.ok) {
    process.stderr.write(`npm run tray:demo: ${prepared.error.message}\n`);
    return 1;
  }
  process.stdout.write(`${prepared.value.message}\n`);
  const app = spawn(electron, [join(root, 'dist', 'main.cjs')], { env, stdio: 'inherit' });
  const quit = (): void => void app.kill('SIGTERM');
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
  const code = await new Promise<number>((done) => {
    app.once('error', (err) => {
      process.stderr.write(`npm run tray:demo: could not start Electron (${err.message}).\n`);
      done(1);
    });
    app.once('exit', (status) => done(status ?? 0));
  });
  await prepared.value.emulator.stop();
  process.stdout.write('The demo tenant stopped.\n');
  return code;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename) {
  process.exitCode = await main();
}
