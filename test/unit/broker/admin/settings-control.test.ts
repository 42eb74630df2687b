import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createSettingsControl } from '../../../../app/broker/admin/settings-control.ts';
import { fail } from '../../../../app/shared/result.ts';

void test('a change the running host cannot apply puts settings.json back; if that fails too, the message names the file to fix', async () => {
  const configDir = await mkdtemp(join(tmpdir(), 'gb-settings-control-'));
  const file = join(configDir, 'settings.json');
  try {
    await writeFile(file, JSON.stringify({ toolGroups: ['mail'] }));
    const applied: string[] = [];
    const settings = createSettingsControl({
      configDir,
      env: {},
      apply: (s) => {
        applied.push(s.tenant);
        return Promise.resolve(
          s.tenant === 'contoso.example'
            ? fail('INTERNAL', 'The new tenant cannot start.')
            : { ok: true, value: { note: null } },
        );
      },
    });
    const plan = await settings.plan([{ key: 'tenant', value: 'contoso.example' }]);
    assert.ok(plan.ok, JSON.stringify(plan));

    const refused = await settings.commit(plan.value);
    assert.equal(
      refused.ok ? null : refused.error.message,
      'Settings not changed: The new tenant cannot start. settings.json is as it was.',
    );
    const onDisk = JSON.parse(await readFile(file, 'utf8')) as { tenant?: string };
    // Put back through saveSettings, which writes defaults out: the same settings, not the same text.
    assert.equal(onDisk.tenant, plan.value.before.tenant, 'settings.json holds the previous tenant');
    assert.deepEqual(applied, ['contoso.example', plan.value.before.tenant], 'the previous settings applied again');

    // The file to put back is itself refused (here: a value the schema rejects).
    const broken = await settings.commit({ ...plan.value, previousRaw: { readOnly: 'sometimes' } });
    const message = broken.ok ? '' : broken.error.message;
    assert.match(message, /^The new tenant cannot start\. Putting settings\.json back failed too \(/);
    assert.ok(
      message.includes(`open ${file}, correct or remove the values named here, then save the settings again.`),
      message,
    );
  } finally {
    await rm(configDir, { recursive: true, force: true });
  }
});
