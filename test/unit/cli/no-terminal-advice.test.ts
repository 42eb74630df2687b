import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noTerminalAdvice } from '../../../app/cli/confirm.ts';

const deps = (os: 'linux' | 'win32') => ({
  env: { GRAPH_BRIDGE_HOME: '/h' },
  execPath: '/usr/bin/node',
  bridgeEntry: '/opt/gb/dist/bridge.js',
  platform: { os },
});

void test('the advice names the agent process in a kill command for this OS, and the agent command to run', () => {
  const linux = noTerminalAdvice(deps('linux'), 4242, 'then run this again.');
  assert.match(linux, /\(process 4242\) has no terminal/);
  assert.match(
    linux,
    /stop it with: kill 4242 — then run in a terminal of your own: .*--home \/h agent — then run this again\./,
  );
  assert.match(noTerminalAdvice(deps('win32'), 4242, 'x'), /stop it with: taskkill \/F \/PID 4242 — /);
});

void test('a process id that is not a real one is never printed into a kill command (kill -1 / kill 0 stop far more)', () => {
  for (const pid of [-1, 0, 1, 1.5, Number.NaN, 2 ** 60]) {
    const advice = noTerminalAdvice(deps('linux'), pid, 'then run this again.');
    assert.doesNotMatch(advice, /kill|taskkill|process /, `pid ${pid}`);
    assert.match(advice, /To confirm from the command line, stop it — then run/, `pid ${pid}`);
  }
});
