import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { bridgeCommandLine, powershellQuote } from '../../../app/main/bridge-command.ts';
import { bridgeServerSpec, electronLauncher } from '../../../app/clients/bridge-launcher.ts';

const hostileHome = `/tmp/it's $(touch pwned) "q" \`x\``;

test('POSIX: sh runs the copied line with the environment and arguments exactly as given', () => {
  const script =
    'console.log(JSON.stringify([process.env.ELECTRON_RUN_AS_NODE, process.env.GRAPH_BRIDGE_HOME, process.argv.slice(1)]))';
  const line = bridgeCommandLine(
    {
      command: process.execPath,
      args: ['-e', script, 'a b'],
      env: { ELECTRON_RUN_AS_NODE: '1', GRAPH_BRIDGE_HOME: hostileHome },
    },
    'linux',
  );
  const out = execFileSync('/bin/sh', ['-c', line], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  assert.deepEqual(JSON.parse(out), ['1', hostileHome, ['a b']]);
});

test('POSIX: the packaged app line for macOS names the executable and bridge quoted', () => {
  const launcher = electronLauncher({
    appExecutable: '/Applications/Graph Bridge.app/Contents/MacOS/Graph Bridge',
    bridgeEntry: '/Applications/Graph Bridge.app/Contents/Resources/bridge.js',
  });
  const line = bridgeCommandLine(bridgeServerSpec({ ...launcher, launch: null }, {}), 'darwin');
  assert.equal(
    line,
    "ELECTRON_RUN_AS_NODE=1 '/Applications/Graph Bridge.app/Contents/MacOS/Graph Bridge' '/Applications/Graph Bridge.app/Contents/Resources/bridge.js'",
  );
});

test('Windows: PowerShell syntax — env set for the run and removed after, call operator, literal quoting', () => {
  const launcher = electronLauncher({
    appExecutable: 'C:\\Users\\ada\\AppData\\Local\\Programs\\Graph Bridge\\Graph Bridge.exe',
    bridgeEntry: 'C:\\Users\\ada\\AppData\\Local\\Programs\\Graph Bridge\\resources\\bridge.js',
  });
  const line = bridgeCommandLine(
    bridgeServerSpec({ ...launcher, launch: null }, { home: "C:\\Users\\o'brien\\gb $env:x" }),
    'win32',
  );
  assert.equal(
    line,
    "try { $env:ELECTRON_RUN_AS_NODE='1'; $env:GRAPH_BRIDGE_HOME='C:\\Users\\o''brien\\gb $env:x'; " +
      "& 'C:\\Users\\ada\\AppData\\Local\\Programs\\Graph Bridge\\Graph Bridge.exe' " +
      "'C:\\Users\\ada\\AppData\\Local\\Programs\\Graph Bridge\\resources\\bridge.js' } " +
      'finally { Remove-Item Env:ELECTRON_RUN_AS_NODE, Env:GRAPH_BRIDGE_HOME }',
  );
  assert.doesNotMatch(line, /(^|\s)ELECTRON_RUN_AS_NODE=1 /, 'no POSIX env prefix on Windows');
});

test('PowerShell quoting doubles every kind of single quote PowerShell accepts', () => {
  assert.equal(powershellQuote('a\u2019b'), "'a\u2019\u2019b'");
  assert.equal(powershellQuote("it's"), "'it''s'");
  assert.equal(powershellQuote('$(calc)'), "'$(calc)'");
});

test('Windows without environment: just the call operator', () => {
  assert.equal(
    bridgeCommandLine({ command: 'C:\\node.exe', args: ['b.js'], env: {} }, 'win32'),
    "& 'C:\\node.exe' 'b.js'",
  );
});
