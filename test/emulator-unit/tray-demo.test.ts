import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary, NO_ELECTRON } from '../emulator/tray-demo.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

test('electronBinary: the path npm recorded when its binary exists; null when the download was skipped', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gb-electron-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(electronBinary(dir, {}), null, 'no path.txt: never downloaded');
  writeFileSync(join(dir, 'path.txt'), 'electron');
  assert.equal(electronBinary(dir, {}), null, 'path.txt but no binary');
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'dist', 'electron'), '');
  assert.equal(electronBinary(dir, {}), join(dir, 'dist', 'electron'));
  assert.equal(electronBinary(dir, { ELECTRON_OVERRIDE_DIST_PATH: '/opt/e' }), '/opt/e/electron');
});

test('npm run tray:demo without Electron says so and what to do, and starts nothing', (t) => {
  if (electronBinary(join(root, 'node_modules', 'electron'), process.env) !== null) {
    t.skip('Electron is installed here: the entry would start the app');
    return;
  }
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'test/emulator/tray-demo.ts'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(run.status, 1);
  assert.equal(run.stderr.trim(), NO_ELECTRON);
  assert.equal(run.stdout, '', 'no build, no emulator');
});
