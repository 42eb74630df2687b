/**
 * The packaged shape of the app in REAL Electron (playwright-core `_electron`): launches dist/main.cjs,
 * checks the tray app starts with no window, opens the status window the way a second launch does,
 * and verifies the renderer's lock-down from the inside.
 *
 * Runs where the Electron binary is installed; otherwise SKIPS with the reason. The binary is looked
 * up the way node_modules/electron/index.js does (path.txt + dist/) WITHOUT requiring that module,
 * because requiring it when the binary is missing starts a download.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

function electronBinary(): { path: string } | { reason: string } {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(
      process.env.ELECTRON_OVERRIDE_DIST_PATH,
      existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : 'electron',
    );
    return existsSync(p) ? { path: p } : { reason: `ELECTRON_OVERRIDE_DIST_PATH has no Electron binary at ${p}` };
  }
  if (!existsSync(pathFile)) {
    return {
      reason:
        'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD): node_modules/electron/path.txt is missing. ' +
        'Install it with `npx install-electron` (or unset ELECTRON_SKIP_BINARY_DOWNLOAD and reinstall) to run this test.',
    };
  }
  const p = join(pkg, 'dist', readFileSync(pathFile, 'utf8'));
  return existsSync(p) ? { path: p } : { reason: `Electron binary not installed: ${p} does not exist` };
}

test('tray app in real Electron: no window at start, locked-down status window on demand', async (t) => {
  const found = electronBinary();
  if ('reason' in found) {
    console.log(`electron e2e skipped: ${found.reason}`);
    t.skip(found.reason);
    return;
  }
  const built = spawnSync(process.execPath, [join(root, 'build/build.mjs')], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);

  const { _electron } = await import('playwright-core');
  const home = await mkdtemp(join(tmpdir(), 'gb-electron-'));
  const app = await _electron.launch({
    executablePath: found.path,
    args: [join(root, 'dist/main.cjs'), '--no-sandbox'],
    env: { ...process.env, GRAPH_BRIDGE_HOME: home, ELECTRON_ENABLE_LOGGING: '1' },
  });
  try {
    assert.equal(app.windows().length, 0, 'no window at start');
    const hasTray = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length);
    assert.equal(hasTray, 0);
    // A second launch shows the status window (app.on('second-instance')).
    await app.evaluate(({ app: electronApp }) => {
      electronApp.emit('second-instance');
    });
    const page = await app.firstWindow();
    await page.locator('body[data-ready="true"]').waitFor();
    const inPage = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      api: Object.keys((globalThis as unknown as { graphBridge: object }).graphBridge).sort(),
    }));
    // nodeIntegration off + contextIsolation on: no Node in the page; only the named preload API.
    assert.equal(inPage.require, 'undefined');
    assert.equal(inPage.process, 'undefined');
    assert.ok(inPage.api.includes('getStatus') && inPage.api.includes('signIn'));
    await page.getByText('Not signed in').first().waitFor();
    // Navigation away is refused.
    await page.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
    });
    assert.match(page.url(), /^file:.*\/window\/index\.html/);
  } finally {
    await app.close();
    await rm(home, { recursive: true, force: true });
  }
});
