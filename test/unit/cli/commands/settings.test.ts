/**
 * `graph-bridge settings` with no Graph Bridge running: show/get read the file (with environment
 * overrides marked), a tightening is written with the window's validation, and anything that loosens
 * access is refused (nobody could be shown a code) with the command that starts Graph Bridge.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSettingValue } from '../../../../app/cli/commands/settings.ts';
import { defaultSettings } from '../../../../app/broker/settings/settings-store.ts';
import { withTempDir } from '../../../helpers/temp-dir.ts';
import { runTestCli } from '../run-cli.ts';

async function cli(home: string, argv: string[], extraEnv: Record<string, string> = {}) {
  return runTestCli(argv, { home, env: extraEnv, interactive: true });
}

async function settingsFile(home: string, value: object): Promise<void> {
  await mkdir(join(home, 'config'), { recursive: true });
  await writeFile(join(home, 'config', 'settings.json'), JSON.stringify(value));
}

void test('show and get read the effective settings; an environment override is marked', () =>
  withTempDir('gb-settings-cli-', async (home) => {
    await settingsFile(home, { toolGroups: ['mail', 'calendar'] });
    const show = await cli(home, ['settings'], { GRAPH_BRIDGE_TENANT: 'contoso.onmicrosoft.com' });
    assert.equal(show.code, 0, show.err);
    assert.match(show.out, /toolGroups +mail, calendar/);
    assert.match(show.out, /tenant +contoso\.onmicrosoft\.com {2}\(from GRAPH_BRIDGE_TENANT\)/);
    assert.equal((await cli(home, ['settings', 'get', 'approvalPolicy.writes.default'])).out, 'ask\n');
    const missing = await cli(home, ['settings', 'get', 'nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no setting "nope"/);
  }));

void test('without a running broker: a tightening is saved, a loosening is refused with how to start Graph Bridge', () =>
  withTempDir('gb-settings-cli-', async (home) => {
    await settingsFile(home, { toolGroups: ['mail', 'teams'], readOnly: false });
    const tighten = await cli(home, ['settings', 'set', 'toolGroups', '-teams']);
    assert.equal(tighten.code, 0, tighten.err);
    assert.match(tighten.out, /toolGroups = mail \(saved/);
    const ro = await cli(home, ['settings', 'set', 'readOnly', 'on']);
    assert.equal(ro.code, 0, ro.err);

    for (const argv of [
      ['settings', 'set', 'readOnly', 'false'],
      ['settings', 'set', 'toolGroups', '+files'],
      ['settings', 'set', 'approvalPolicy.writes.default', 'allow'],
      ['settings', 'set', 'approvalPolicy.clients', 'allow'],
    ]) {
      const r = await cli(home, argv);
      assert.equal(r.code, 1, argv.join(' '));
      assert.match(r.err, /loosens access/);
      assert.match(r.err, new RegExp(`--home ${home} agent`));
    }
    const file = JSON.parse(await readFile(join(home, 'config', 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual([file.toolGroups, file.readOnly], [['mail'], true]);
    assert.deepEqual((file.approvalPolicy as { writes: { default: string } }).writes.default, 'ask');

    const bad = await cli(home, ['settings', 'set', 'toolGroups', 'mail,chat']);
    assert.equal(bad.code, 1);
    assert.match(
      bad.err,
      /Settings not saved: Setting "toolGroups\.1" is "chat" in the new settings; allowed: "profile"/,
    );
    const env = await cli(home, ['settings', 'set', 'tenant', 'common'], {
      GRAPH_BRIDGE_TENANT: 'contoso.onmicrosoft.com',
    });
    assert.match(env.err, /set by the environment variable GRAPH_BRIDGE_TENANT/);
    const proto = await cli(home, ['settings', 'set', '__proto__.polluted', 'true']);
    assert.equal(proto.code, 1);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  }));

void test('values: booleans, lists, +/- groups, JSON and null', () => {
  const s = defaultSettings();
  assert.deepEqual(parseSettingValue('readOnly', 'yes', s), { ok: true, value: true });
  assert.deepEqual(parseSettingValue('toolGroups', 'mail, files', s), { ok: true, value: ['mail', 'files'] });
  assert.deepEqual(parseSettingValue('toolGroups', '+teams,-mail', s), {
    ok: true,
    value: ['profile', 'calendar', 'files', 'tasks', 'teams'],
  });
  assert.deepEqual(parseSettingValue('api', '{"baseUrl":"https://a.example/","scope":"x"}', s), {
    ok: true,
    value: { baseUrl: 'https://a.example/', scope: 'x' },
  });
  assert.deepEqual(parseSettingValue('authority', 'null', s), { ok: true, value: null });
  assert.equal(parseSettingValue('api', '{oops', s).ok, false);
  assert.deepEqual(parseSettingValue('tenant', '1234', s), { ok: true, value: '1234' }, 'text stays text');
});
