import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultSettings,
  loadSettings,
  parseSettings,
  saveSettings,
  settingsPath,
} from '../../../../app/broker/settings/settings-store.ts';
import { CLOUDS } from '../../../../app/shared/clouds.ts';
import { deriveEndpoints } from '../../../../app/broker/settings/derive.ts';

function problems(raw: Record<string, unknown>, env: Record<string, string> = {}) {
  const r = parseSettings(raw, { source: 'settings.json', env });
  assert.equal(r.ok, false, 'expected invalid settings');
  return r.ok ? [] : r.problems;
}

void test('defaults: organizations on the global cloud, keychain only, approvals ask', () => {
  const s = defaultSettings();
  assert.equal(s.tenant, 'organizations');
  assert.equal(s.cloud, 'global');
  assert.equal(s.allowPlaintextCache, false);
  assert.equal(s.approvalPolicy.clients, 'ask');
  assert.equal(s.approvalPolicy.writes.default, 'ask');
  const e = deriveEndpoints(s);
  assert.equal(e.authority, 'https://login.microsoftonline.com/organizations');
  assert.deepEqual(e.knownAuthorities, []);
  assert.equal(e.graphBaseUrl, 'https://graph.microsoft.com/');
  assert.deepEqual(e.graphCustomHosts, []);
});

void test('a bad enum value names the key, the value and the allowed values', () => {
  const [p, ...rest] = problems({ cloud: 'germany' });
  assert.equal(rest.length, 0);
  assert.equal(p?.key, 'cloud');
  assert.equal(p?.value, '"germany"');
  assert.match(
    p?.message ?? '',
    /^Setting "cloud" is "germany" in settings\.json; allowed: "global", "usgov", "usgov-dod", "china", or \{/,
  );
});

void test('nested and array values are reported with their path', () => {
  const ps = problems({ toolGroups: ['mail', 'nope'], approvalPolicy: { writes: { tools: { mail_send: 'maybe' } } } });
  const byKey = new Map(ps.map((p) => [p.key, p]));
  assert.match(byKey.get('toolGroups.1')?.message ?? '', /"toolGroups\.1" is "nope".*allowed: "profile", "mail"/);
  assert.match(
    byKey.get('approvalPolicy.writes.tools.mail_send')?.message ?? '',
    /is "maybe".*allowed: "ask", "allow", "deny"/,
  );
});

void test('custom cloud errors point inside the object; wrong types and unknown keys are named', () => {
  const ps = problems({
    cloud: { authorityHost: 'http://localhost:8443', graphBaseUrl: 'https://localhost:8445/' },
    useBroker: 'yes',
    tennant: 'contoso.com',
  });
  const keys = ps.map((p) => p.key).sort();
  assert.deepEqual(keys, ['cloud.authorityHost', 'tennant', 'useBroker']);
  assert.match(ps.find((p) => p.key === 'useBroker')?.message ?? '', /"useBroker" is "yes".*allowed: true or false/);
  assert.match(ps.find((p) => p.key === 'tennant')?.message ?? '', /Unknown setting "tennant".*"tenant"/);
  assert.match(
    ps.find((p) => p.key === 'cloud.authorityHost')?.message ?? '',
    /"http:\/\/localhost:8443".*https origin/,
  );
});

void test('tenant accepts GUIDs, domains and the aliases only', () => {
  for (const tenant of [
    'organizations',
    'common',
    'consumers',
    'contoso.onmicrosoft.com',
    '72f988bf-86f1-41af-91ab-2d7cd011db47',
  ]) {
    assert.ok(parseSettings({ tenant }, { source: 's' }).ok, tenant);
  }
  const [p] = problems({ tenant: 'not a tenant' });
  assert.match(p?.message ?? '', /"tenant" is "not a tenant".*allowed: a tenant ID GUID, a domain/);
});

void test('cloud table: each national cloud pairs its authority host with its Graph URL', () => {
  assert.deepEqual(CLOUDS.usgov, {
    authorityHost: 'https://login.microsoftonline.us',
    graphBaseUrl: 'https://graph.microsoft.us/',
  });
  assert.equal(CLOUDS['usgov-dod'].graphBaseUrl, 'https://dod-graph.microsoft.us/');
  assert.equal(CLOUDS.china.authorityHost, 'https://login.chinacloudapi.cn');
  const r = parseSettings({ cloud: 'china', tenant: 'contoso.partner.onmschina.cn' }, { source: 's' });
  assert.ok(r.ok);
  assert.equal(r.endpoints.authority, 'https://login.chinacloudapi.cn/contoso.partner.onmschina.cn');
  assert.equal(r.endpoints.graphBaseUrl, 'https://microsoftgraph.chinacloudapi.cn/');
  assert.deepEqual(r.endpoints.knownAuthorities, []);
});

void test('a custom (emulator) cloud is configuration: knownAuthorities carries host WITH port', () => {
  const r = parseSettings(
    {
      cloud: { authorityHost: 'https://localhost:8443', graphBaseUrl: 'https://localhost:8445' },
      tenant: 'contoso.onmicrosoft.com',
    },
    { source: 's' },
  );
  assert.ok(r.ok);
  assert.equal(r.endpoints.authority, 'https://localhost:8443/contoso.onmicrosoft.com');
  assert.deepEqual(r.endpoints.knownAuthorities, ['localhost:8443']);
  assert.equal(r.endpoints.graphBaseUrl, 'https://localhost:8445/');
  assert.deepEqual(r.endpoints.graphCustomHosts, ['localhost']);
});

void test('environment variables override the file and are named in errors', () => {
  const env = {
    GRAPH_BRIDGE_CLIENT_ID: '3c9d7e1f-5a2b-4c8d-9e0f-1a2b3c4d5e6f',
    GRAPH_BRIDGE_AUTHORITY: 'https://localhost:9443/contoso.onmicrosoft.com',
    GRAPH_BRIDGE_GRAPH_URL: 'https://localhost:9445/',
    GRAPH_BRIDGE_CA_FILE: '/tmp/ca.pem',
    GRAPH_BRIDGE_USE_BROKER: '1',
  };
  const r = parseSettings({ tenant: 'common', clientId: '00000000-0000-0000-0000-000000000001' }, { source: 's', env });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.settings.clientId, env.GRAPH_BRIDGE_CLIENT_ID);
  assert.equal(r.settings.useBroker, true);
  assert.equal(r.settings.extraCaFile, '/tmp/ca.pem');
  assert.equal(r.endpoints.authority, 'https://localhost:9443/contoso.onmicrosoft.com');
  assert.deepEqual(r.endpoints.knownAuthorities, ['localhost:9443']);
  assert.equal(r.endpoints.graphBaseUrl, 'https://localhost:9445/');
  assert.equal(r.envOrigins.clientId, 'GRAPH_BRIDGE_CLIENT_ID');
  const [p] = problems({}, { GRAPH_BRIDGE_TENANT: 'bad tenant!' });
  assert.match(p?.message ?? '', /"tenant" is "bad tenant!" \(from environment variable GRAPH_BRIDGE_TENANT\)/);
});

void test('load: missing file → defaults; bad JSON → a message with the path; save is atomic and 0600', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gb-settings-'));
  try {
    const missing = await loadSettings({ configDir: join(dir, 'config') });
    assert.ok(missing.ok);
    assert.equal(missing.value.fileExists, false);
    assert.deepEqual(missing.value.settings, defaultSettings());

    const saved = await saveSettings(join(dir, 'config'), { tenant: 'common', readOnly: true });
    assert.ok(saved.ok);
    const path = settingsPath(join(dir, 'config'));
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal((await stat(join(dir, 'config'))).mode & 0o777, 0o700);
    const again = await loadSettings({ configDir: join(dir, 'config') });
    assert.ok(again.ok);
    assert.equal(again.value.settings.tenant, 'common');
    assert.equal(again.value.settings.readOnly, true);
    assert.equal((JSON.parse(await readFile(path, 'utf8')) as { tenant: string }).tenant, 'common');

    const refused = await saveSettings(join(dir, 'config'), { cloud: 'mars' });
    assert.equal(refused.ok, false);
    assert.equal(
      (JSON.parse(await readFile(path, 'utf8')) as { cloud: string }).cloud,
      'global',
      'invalid settings are not written',
    );

    await mkdir(join(dir, 'bad'), { recursive: true });
    await writeFile(settingsPath(join(dir, 'bad')), '{"tenant": ');
    const bad = await loadSettings({ configDir: join(dir, 'bad') });
    assert.equal(bad.ok, false);
    assert.equal(bad.ok ? '' : bad.error.code, 'SETTINGS_UNREADABLE');
    assert.match(bad.ok ? '' : bad.error.message, /settings\.json is not valid JSON/);

    await writeFile(settingsPath(join(dir, 'bad')), '{"readOnly": "sometimes"}');
    const invalid = await loadSettings({ configDir: join(dir, 'bad') });
    assert.equal(invalid.ok ? '' : invalid.error.code, 'SETTINGS_INVALID');
    assert.match(
      invalid.ok ? '' : invalid.error.message,
      /"readOnly" is "sometimes" in .*settings\.json; allowed: true or false/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

void test('uploadFolders: null by default; absolute or ~/ folders; a bad entry is named with what is allowed', async () => {
  assert.equal(defaultSettings().uploadFolders, null);
  const good = parseSettings(
    { uploadFolders: ['~/Documents', '/srv/reports', 'C:\\Users\\ada\\Docs', '~'] },
    { source: 's' },
  );
  assert.ok(good.ok);
  const ps = problems({ uploadFolders: ['Documents', '/tmp/a\nb'] });
  assert.deepEqual(
    ps.map((p) => p.key),
    ['uploadFolders.0', 'uploadFolders.1'],
  );
  assert.match(ps[0]?.message ?? '', /allowed: an absolute folder path, or one starting with ~\//);
  const { brokerConfigFromSettings } = await import('../../../../app/broker/broker-config.ts');
  const { createPlatform } = await import('../../../../app/platform/platform.ts');
  const platform = createPlatform({
    platform: 'linux',
    env: { GRAPH_BRIDGE_HOME: '/gb' },
    homedir: '/home/ada',
    readTextFile: () => undefined,
  });
  const endpoints = deriveEndpoints(defaultSettings());
  const byDefault = brokerConfigFromSettings(defaultSettings(), endpoints, platform);
  assert.deepEqual(byDefault.uploads, {
    allowedFolders: ['/home/ada/Downloads', '/home/ada/Documents', '/home/ada/Desktop'],
    protectedFolders: ['/gb/config', '/gb/state', '/gb/state/logs', '/gb/run'],
  });
  const chosen = brokerConfigFromSettings({ ...defaultSettings(), uploadFolders: ['~/Reports'] }, endpoints, platform);
  assert.deepEqual(chosen.uploads.allowedFolders, ['/home/ada/Reports']);
});
