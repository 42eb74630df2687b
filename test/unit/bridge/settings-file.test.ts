import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { resolveAppPaths, type OsKind } from '../../../app/platform/paths.ts';
import { settingsSchema } from '../../../app/broker/settings/settings-schema.ts';
import { DEFAULT_TOOL_GROUPS } from '../../../app/shared/tool-groups.ts';
import { parseSettingsAllowance, settingsFilePath } from '../../../bridge/fast-start/settings-file.ts';

const ENVS: Record<string, string | undefined>[] = [
  {},
  { GRAPH_BRIDGE_HOME: '/opt/gb' },
  { GRAPH_BRIDGE_HOME: '  ' },
  { XDG_CONFIG_HOME: '/x/cfg' },
  { XDG_CONFIG_HOME: '' },
  { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' },
  { APPDATA: '', GRAPH_BRIDGE_HOME: 'D:\\portable' },
];

test('settings.json is where app/platform/paths.ts puts it, on every OS and override (drift check)', () => {
  for (const os of ['linux', 'darwin', 'win32'] as OsKind[]) {
    const homedir = os === 'win32' ? 'C:\\Users\\ada' : '/home/ada';
    for (const env of ENVS) {
      const expected = resolveAppPaths({ os, env, homedir, username: 'ada' }).configDir;
      const sep = os === 'win32' ? '\\' : '/';
      assert.equal(
        settingsFilePath({ platform: os, env, homedir }),
        `${expected}${sep}settings.json`,
        `${os} ${JSON.stringify(env)}`,
      );
    }
  }
  assert.equal(
    settingsFilePath({ platform: 'freebsd', env: {}, homedir: '/h' }),
    join('/h', '.config', 'graph-bridge', 'settings.json'),
  );
});

test('the defaults are the settings schema defaults', () => {
  const defaults = settingsSchema.parse({});
  assert.deepEqual(parseSettingsAllowance('{}'), { toolGroups: defaults.toolGroups, readOnly: defaults.readOnly });
  assert.deepEqual(parseSettingsAllowance(null), parseSettingsAllowance('{}'));
});

test('toolGroups and readOnly are read; anything unusable falls back to the default', () => {
  assert.deepEqual(parseSettingsAllowance('{"toolGroups":["graph","mail"],"readOnly":true,"clientId":"x"}'), {
    toolGroups: ['mail', 'graph'],
    readOnly: true,
  });
  assert.deepEqual(parseSettingsAllowance('{"toolGroups":[]}').toolGroups, []);
  const fallback = { toolGroups: [...DEFAULT_TOOL_GROUPS], readOnly: false };
  for (const text of [
    'not json',
    '[]',
    '"x"',
    'null',
    '{"toolGroups":"mail","readOnly":"yes"}',
    '{"toolGroups":[1]}',
  ]) {
    assert.deepEqual(parseSettingsAllowance(text), fallback, text);
  }
  assert.deepEqual(parseSettingsAllowance('{"toolGroups":["mail","kontacts"]}').toolGroups, ['mail']);
});
