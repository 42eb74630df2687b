/**
 * GRAPH_BRIDGE_LAUNCH: the Graph Bridge the bridge starts is a real detached child process. It gets
 * the bridge's environment without ELECTRON_RUN_AS_NODE (a packaged bridge runs with it set; the tray
 * must run as Electron).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { launchEnv, launchGraphBridge, parseLaunchCommand } from '../../../bridge/runtime.ts';

test('launchEnv keeps the environment except ELECTRON_RUN_AS_NODE (any case)', () => {
  assert.deepEqual(
    launchEnv({
      PATH: '/usr/bin',
      GRAPH_BRIDGE_HOME: '/home/ada/.graph-bridge',
      ELECTRON_RUN_AS_NODE: '1',
      electron_run_as_node: '1',
      UNSET: undefined,
    }),
    { PATH: '/usr/bin', GRAPH_BRIDGE_HOME: '/home/ada/.graph-bridge' },
  );
});

test('the launched process does not inherit ELECTRON_RUN_AS_NODE', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gb-launch-'));
  try {
    const out = join(dir, 'env.json');
    const script = `require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.env))`;
    const argv = parseLaunchCommand(JSON.stringify([process.execPath, '-e', script]));
    assert.ok(argv);
    const warnings: string[] = [];
    const child = launchGraphBridge(
      argv as [string, ...string[]],
      { ...process.env, ELECTRON_RUN_AS_NODE: '1', GRAPH_BRIDGE_HOME: dir },
      { warn: (m) => warnings.push(m) },
    );
    assert.ok(child.pid);
    let text: string | undefined;
    for (let i = 0; i < 200 && text === undefined; i++) {
      text = await readFile(out, 'utf8').catch(() => undefined);
      if (text === undefined || text === '') {
        text = undefined;
        await delay(25);
      }
    }
    assert.ok(text, 'the launched process ran');
    const env = JSON.parse(text) as Record<string, string>;
    assert.equal(env.ELECTRON_RUN_AS_NODE, undefined);
    assert.equal(env.GRAPH_BRIDGE_HOME, dir, 'the rest of the environment is passed on');
    assert.deepEqual(warnings, []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a launch command that cannot start is logged, not thrown', async () => {
  const warnings: string[] = [];
  const child = launchGraphBridge(['/nonexistent/graph-bridge-app'], {}, { warn: (m) => warnings.push(m) });
  await new Promise((resolve) => child.once('error', resolve));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /launching Graph Bridge failed: .*ENOENT/);
});
