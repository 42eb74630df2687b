/**
 * The README's main command, `npm run demo`, must keep working: run the demo tour once (free ports,
 * a temp profile) against the built dist/ and check the real sign-in and tool calls happened.
 * Requires `npm run build` first (npm test builds before running the tiers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('npm run demo: real sign-in through the emulator, editor approval, tool calls', (t) => {
  if (!existsSync(join(root, 'dist/cli.js')) || !existsSync(join(root, 'dist/bridge.js'))) {
    t.skip('dist/ is not built: run `npm run build` (npm test does it before the tiers)');
    return;
  }
  const home = mkdtempSync(join(tmpdir(), 'gb-demo-'));
  try {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'test/emulator/demo.ts', '--once', '--entra-port', '0', '--graph-port', '0', '--home', home],
      { cwd: root, encoding: 'utf8', timeout: 150_000 },
    );
    const out = `${r.stdout}\n${r.stderr}`;
    assert.equal(r.status, 0, `demo exited ${r.status}:\n${out.slice(-3000)}`);
    assert.match(out, /Signed in as adele@contoso\.onmicrosoft\.com/);
    assert.match(out, /is waiting for your approval/);
    assert.doesNotMatch(out, /run: graph-bridge clients approve/, 'the model is never told how to approve itself');
    assert.match(out, /\[agent\] Confirmation code: [0-9]{6}/, "the code shows in the agent's terminal");
    assert.match(out, new RegExp(`--home ${home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} clients approve session-\\d+`));
    assert.match(out, /session-\d+: approved/);
    assert.match(out, /get_my_profile:\n\s+\{"id":"[^"]+","displayName":"Adele Vance"/);
    assert.match(out, /list_events:\n\s+\d+ event\(s\)/);
    assert.doesNotMatch(out, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/, 'no JWT may appear in the demo output');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
