import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bridgeServerSpec, electronLauncher, nodeLauncher } from '../../../app/clients/bridge-launcher.ts';

void test('packaged app: its own executable in node mode runs resources/bridge.js; the tray is the launch command', () => {
  const l = electronLauncher({
    appExecutable: '/Applications/Graph Bridge.app/Contents/MacOS/Graph Bridge',
    bridgeEntry: '/r/bridge.js',
  });
  assert.deepEqual(
    bridgeServerSpec(l, { readOnly: true, toolGroups: ['mail', 'files'], home: '/gb', extraCaFile: '/ca.pem' }),
    {
      command: '/Applications/Graph Bridge.app/Contents/MacOS/Graph Bridge',
      args: ['/r/bridge.js', '--tools', 'mail,files', '--read-only'],
      env: {
        ELECTRON_RUN_AS_NODE: '1',
        GRAPH_BRIDGE_HOME: '/gb',
        GRAPH_BRIDGE_LAUNCH: JSON.stringify(['/Applications/Graph Bridge.app/Contents/MacOS/Graph Bridge']),
        NODE_EXTRA_CA_CERTS: '/ca.pem',
      },
    },
  );
});

void test('checkout: absolute node runs dist/bridge.js; the agent is the launch command; no flags by default', () => {
  const l = nodeLauncher({
    nodePath: '/usr/bin/node',
    bridgeEntry: '/repo/dist/bridge.js',
    cliEntry: '/repo/dist/cli.js',
  });
  assert.deepEqual(bridgeServerSpec(l, {}), {
    command: '/usr/bin/node',
    args: ['/repo/dist/bridge.js'],
    env: { GRAPH_BRIDGE_LAUNCH: '["/usr/bin/node","/repo/dist/cli.js","agent"]' },
  });
  assert.deepEqual(bridgeServerSpec({ ...l, launch: null }, { readOnly: false, toolGroups: [] }).env, {});
});
