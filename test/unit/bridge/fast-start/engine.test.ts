import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBridgeConfig } from '../../../../bridge/config.ts';
import { startEngine } from '../../../../bridge/fast-start/engine.ts';

/** Starts an engine (no broker: nothing connects until a call or warm) and returns what it logged. */
function engineLog(env: Record<string, string>): string[] {
  const parsed = parseBridgeConfig([], {});
  assert.ok(parsed.ok);
  const lines: string[] = [];
  const engine = startEngine({
    config: parsed.config,
    env,
    platform: 'linux',
    pid: 4242,
    uid: 1000,
    username: 'tester',
    homedir: '/nonexistent-home',
    tmpdir: '/nonexistent-tmp',
    writeLog: (line) => lines.push(line),
    clientInfo: () => ({ name: 'test-editor', version: '1' }),
  });
  engine.close();
  return lines;
}

test('GRAPH_BRIDGE_LOG_LEVEL=debug logs the engine start; an unknown level keeps the default (no debug lines)', () => {
  assert.ok(engineLog({ GRAPH_BRIDGE_LOG_LEVEL: 'debug' }).some((line) => line.includes('engine ready')));
  assert.deepEqual(engineLog({ GRAPH_BRIDGE_LOG_LEVEL: 'verbose' }), []);
  assert.deepEqual(engineLog({}), []);
});
