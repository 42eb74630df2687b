import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  createDemoEmulator,
  demoSettings,
  EMULATOR_READY_PREFIX,
  prepareTrayDemo,
  writeDemoSettings,
  type DemoChild,
  type DemoSpawn,
  type EmulatorReady,
} from '../emulator/demo-tenant.ts';
import type { Settings } from '../../app/broker/settings/settings-schema.ts';

const READY: EmulatorReady = {
  version: 1,
  entraOrigin: 'https://localhost:41000',
  graphOrigin: 'https://localhost:41001',
  authority: 'https://localhost:41000/6f1e3c2a-9b7d-4e5f-8a1c-2d3e4f5a6b7c',
  tenantId: '6f1e3c2a-9b7d-4e5f-8a1c-2d3e4f5a6b7c',
  tenantDomain: 'contoso.onmicrosoft.com',
  clientId: '3c9d7e1f-5a2b-4c8d-9e0f-1a2b3c4d5e6f',
  caPath: '/state/demo-tenant/ca.pem',
  users: [{ upn: 'adele@contoso.onmicrosoft.com', password: 'Adele-Pa55word!', displayName: 'Adele', isAdmin: false }],
};

/** A child process at the OS edge: stdio streams, exit/error events, kill() recorded. */
class FakeChild extends EventEmitter implements DemoChild {
  stdout = new PassThrough();
  stderr = new PassThrough();
  stdinEnded = false;
  stdin = { end: () => (this.stdinEnded = true) };
  signals: string[] = [];
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.signals.push(signal);
    queueMicrotask(() => this.emit('exit', null, signal));
    return true;
  }
  say(line: string): void {
    this.stdout.write(`${line}\n`);
  }
}

function fakeSpawn() {
  const calls: { command: string; args: readonly string[]; cwd: string; env: Record<string, string | undefined> }[] =
    [];
  const children: FakeChild[] = [];
  const spawn: DemoSpawn = (command, args, options) => {
    calls.push({ command, args, cwd: options.cwd, env: options.env });
    const child = new FakeChild();
    children.push(child);
    return child;
  };
  return { spawn, calls, children };
}

function emulatorWith(spawn: DemoSpawn, extra: Partial<Parameters<typeof createDemoEmulator>[0]> = {}) {
  const logs: string[] = [];
  const emulator = createDemoEmulator({
    checkoutRoot: '/src/graph-bridge',
    nodeCommand: '/usr/bin/node',
    spawn,
    env: { PATH: '/usr/bin', ELECTRON_RUN_AS_NODE: '1' },
    caDir: '/state/demo-tenant',
    log: (l) => logs.push(l),
    ...extra,
  });
  return { emulator, logs };
}

const tick = () => new Promise((r) => setImmediate(r));

test('start: runs node --import tsx test/emulator/main.ts from the checkout and resolves with the ready line', async () => {
  const { spawn, calls, children } = fakeSpawn();
  const { emulator, logs } = emulatorWith(spawn);
  const started = emulator.start();
  await tick();
  const child = children[0]!;
  child.say('some banner text'); // not the ready line: ignored
  child.stdout.write(`${EMULATOR_READY_PREFIX}${JSON.stringify(READY).slice(0, 40)}`); // split across chunks
  child.stdout.write(`${JSON.stringify(READY).slice(40)}\n`);
  const result = await started;
  assert.deepEqual(result, { ok: true, value: READY });
  assert.equal(calls.length, 1);
  const call = calls[0]!;
  assert.equal(call.command, '/usr/bin/node');
  assert.equal(call.cwd, '/src/graph-bridge');
  assert.deepEqual(call.args.slice(0, 3), ['--import', 'tsx', 'test/emulator/main.ts']);
  for (const flag of ['--ready-json', '--exit-on-stdin-end', '--quiet'])
    assert.ok(call.args.includes(flag), `${flag} passed`);
  assert.deepEqual(call.args.slice(call.args.indexOf('--ca-dir'), call.args.indexOf('--ca-dir') + 2), [
    '--ca-dir',
    '/state/demo-tenant',
  ]);
  assert.equal(call.env.ELECTRON_RUN_AS_NODE, undefined, 'the child is plain Node');
  assert.equal(call.env.PATH, '/usr/bin');
  assert.ok(emulator.running());
  assert.ok(logs.some((l) => l.includes('https://localhost:41000')));
  assert.ok(!logs.some((l) => l.includes(READY.users[0]!.password)), 'the demo password is not logged');

  // A second click reuses the running emulator.
  assert.deepEqual(await emulator.start(), { ok: true, value: READY });
  assert.equal(calls.length, 1);

  await emulator.stop();
  assert.equal(child.stdinEnded, true);
  assert.deepEqual(child.signals, ['SIGTERM']);
  assert.equal(emulator.running(), false);
  await emulator.stop(); // nothing running: no-op
});

test('start: the child exits before ready → a failure with its last stderr lines and what to run', async () => {
  const { spawn, children } = fakeSpawn();
  const { emulator } = emulatorWith(spawn);
  const started = emulator.start();
  await tick();
  children[0]!.stderr.write('Error: Cannot find package tsx\n');
  await tick();
  children[0]!.emit('exit', 1, null);
  const result = await started;
  assert.equal(result.ok, false);
  assert.match(
    !result.ok ? result.error.message : '',
    /stopped before it was ready \(exit code 1\).*Cannot find package tsx.*npm run emulator/,
  );
  assert.equal(emulator.running(), false);
});

test('start: node missing (ENOENT) → says to install Node and put it on PATH', async () => {
  const { spawn, children } = fakeSpawn();
  const { emulator } = emulatorWith(spawn);
  const started = emulator.start();
  await tick();
  children[0]!.emit('error', Object.assign(new Error('spawn /usr/bin/node ENOENT'), { code: 'ENOENT' }));
  const result = await started;
  assert.match(!result.ok ? result.error.message : '', /not found: install Node\.js 20 or later.*PATH/);
});

test('start: no ready line in time → the child is stopped and the error says so', async () => {
  const { spawn, children } = fakeSpawn();
  let fire: (() => void) | null = null;
  const { emulator } = emulatorWith(spawn, {
    readyTimeoutMs: 30_000,
    setTimer: (_ms, fn) => {
      fire = fn;
      return () => (fire = null);
    },
  });
  const started = emulator.start();
  await tick();
  assert.ok(fire !== null);
  (fire as () => void)();
  const result = await started;
  assert.match(!result.ok ? result.error.message : '', /did not report ready within 30 s/);
  assert.deepEqual(children[0]!.signals, ['SIGTERM']);
});

test('start: a ready line of another shape is refused (zod) and the child stopped', async () => {
  const { spawn, children } = fakeSpawn();
  const { emulator } = emulatorWith(spawn);
  const started = emulator.start();
  await tick();
  children[0]!.say(`${EMULATOR_READY_PREFIX}${JSON.stringify({ ...READY, version: 2 })}`);
  const result = await started;
  assert.match(!result.ok ? result.error.message : '', /does not understand/);
  assert.deepEqual(children[0]!.signals, ['SIGTERM']);
});

test('demo settings are configuration only: client, tenant, a custom cloud, the CA', () => {
  assert.deepEqual(demoSettings(READY), {
    clientId: READY.clientId,
    tenant: READY.tenantId,
    cloud: { authorityHost: 'https://localhost:41000', graphBaseUrl: 'https://localhost:41001/' },
    authority: null,
    extraCaFile: '/state/demo-tenant/ca.pem',
  });
});

async function configDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gb-demo-settings-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const settingsDeps = (dir: string, env: Record<string, string> = {}) => ({
  configDir: dir,
  env,
  readText: (p: string) => readFile(p, 'utf8'),
});

test("writeDemoSettings: keeps other keys, backs up the user's own file once, never over a demo profile", async (t) => {
  const dir = await configDir(t);
  const own = {
    clientId: '11111111-2222-3333-4444-555555555555',
    tenant: 'fabrikam.com',
    toolGroups: ['profile', 'mail'],
  };
  await writeFile(join(dir, 'settings.json'), JSON.stringify(own));
  const first = await writeDemoSettings(settingsDeps(dir), READY, '/state/demo-tenant');
  assert.ok(first.ok);
  assert.equal(first.value.backup, join(dir, 'settings.json.before-demo'));
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'settings.json.before-demo'), 'utf8')), own);
  const saved = JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')) as Settings;
  assert.equal(saved.clientId, READY.clientId);
  assert.equal(saved.tenant, READY.tenantId);
  assert.deepEqual(saved.cloud, { authorityHost: READY.entraOrigin, graphBaseUrl: `${READY.graphOrigin}/` });
  assert.equal(saved.extraCaFile, READY.caPath);
  assert.deepEqual(saved.toolGroups, ['profile', 'mail'], 'other keys kept');
  assert.equal(first.value.settings.clientId, READY.clientId);

  // A second click: the file already is the demo profile, the real backup stays.
  const second = await writeDemoSettings(
    settingsDeps(dir),
    { ...READY, entraOrigin: 'https://localhost:42000' },
    '/state/demo-tenant',
  );
  assert.ok(second.ok);
  assert.equal(second.value.backup, null);
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'settings.json.before-demo'), 'utf8')), own);
});

test('writeDemoSettings: no settings file yet → no backup; an environment override is reported', async (t) => {
  const dir = await configDir(t);
  const fresh = await writeDemoSettings(settingsDeps(dir), READY, '/state/demo-tenant');
  assert.ok(fresh.ok);
  assert.equal(fresh.value.backup, null);
  const other = join(dir, 'other');
  await mkdir(other);
  const overridden = await writeDemoSettings(
    settingsDeps(other, { GRAPH_BRIDGE_CLIENT_ID: '99999999-2222-3333-4444-555555555555' }),
    READY,
    '/state/demo-tenant',
  );
  assert.equal(overridden.ok, false);
  assert.match(!overridden.ok ? overridden.error.message : '', /GRAPH_BRIDGE_CLIENT_ID \(clientId\).*Unset/);
});

test('writeDemoSettings: a settings file that is not JSON is left alone and the error says how to fix it', async (t) => {
  const dir = await configDir(t);
  await writeFile(join(dir, 'settings.json'), '{ nope');
  const r = await writeDemoSettings(settingsDeps(dir), READY, '/state/demo-tenant');
  assert.match(!r.ok ? r.error.message : '', /not valid JSON.*Fix or delete it/);
  assert.equal(await readFile(join(dir, 'settings.json'), 'utf8'), '{ nope');
});

test('writeDemoSettings: an unreadable file or a failed backup changes nothing and says what to do', async (t) => {
  const dir = await configDir(t);
  await writeFile(join(dir, 'settings.json'), '{"tenant": "fabrikam.com"}');
  const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
  const unreadable = await writeDemoSettings(
    { ...settingsDeps(dir), readText: () => Promise.reject(denied) },
    READY,
    '/state/demo-tenant',
  );
  assert.match(!unreadable.ok ? unreadable.error.message : '', /Cannot read .*settings\.json.*permissions/);

  const noBackup = await writeDemoSettings(
    {
      ...settingsDeps(dir),
      copy: () => Promise.reject(Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' })),
    },
    READY,
    '/state/demo-tenant',
  );
  assert.match(!noBackup.ok ? noBackup.error.message : '', /Could not back up .*settings\.json.*EROFS.*writable/);
  assert.equal(await readFile(join(dir, 'settings.json'), 'utf8'), '{"tenant": "fabrikam.com"}', 'not replaced');
});

test('tray demo: start emulator → write the profile settings → tell whom to sign in as', async (t) => {
  const dir = await configDir(t);
  const { spawn, children } = fakeSpawn();
  const prepared = prepareTrayDemo({
    checkoutRoot: '/src/graph-bridge',
    nodeCommand: '/usr/bin/node',
    env: { PATH: '/usr/bin' },
    configDir: dir,
    stateDir: '/state',
    spawn,
    log: () => undefined,
  });
  await tick();
  children[0]!.say(`${EMULATOR_READY_PREFIX}${JSON.stringify(READY)}`);
  const r = await prepared;
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.equal(r.value.settings.clientId, READY.clientId);
  assert.equal((JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')) as Settings).tenant, READY.tenantId);
  assert.match(r.value.message, /demo user adele@contoso\.onmicrosoft\.com with the password Adele-Pa55word!/);
  assert.match(r.value.message, /stops when you quit/);
  assert.ok(r.value.emulator.running());
  await r.value.emulator.stop();
  assert.equal(r.value.emulator.running(), false);
});

test('tray demo: settings that cannot be written stop the emulator again and say why', async (t) => {
  const dir = await configDir(t);
  await writeFile(join(dir, 'settings.json'), '{not json');
  const { spawn, children } = fakeSpawn();
  const prepared = prepareTrayDemo({
    checkoutRoot: '/src/graph-bridge',
    nodeCommand: '/usr/bin/node',
    env: {},
    configDir: dir,
    stateDir: '/state',
    spawn,
    log: () => undefined,
  });
  await tick();
  children[0]!.say(`${EMULATOR_READY_PREFIX}${JSON.stringify(READY)}`);
  const r = await prepared;
  assert.ok(!r.ok);
  assert.deepEqual(children[0]!.signals, ['SIGTERM'], 'the emulator is not left running');
});
