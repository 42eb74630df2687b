/**
 * Naming an account as people do: `graph-bridge use <username>` and `logout <username>` (any case),
 * typed in a terminal, with the sign-in core in the CLI process and through a running agent.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../emulator/index.ts';
import { writeEmulatorSettings } from '../helpers/broker.ts';
import { startCli } from '../helpers/cli-process.ts';

let emulator: RunningEmulator;
let home: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  emulator = await startEmulator();
  emulator.control.settings({ deviceInterval: 1 });
  home = await mkdtemp(join(tmpdir(), 'gb-cli-accounts-'));
  await writeEmulatorSettings(home, emulator, { toolGroups: ['profile'], readOnly: true });
  env = { ...process.env, GRAPH_BRIDGE_HOME: home, GRAPH_BRIDGE_KEYCHAIN_SERVICE: `graph-bridge-test-${randomUUID()}` };
});

after(async () => {
  await emulator.close();
  await rm(home, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const p = startCli(args, { env });
  const code = await p.exit;
  return { code, out: p.stdout(), err: p.stderr() };
}

async function loginAs(upn: string): Promise<void> {
  emulator.control.settings({ currentUser: upn });
  const login = startCli(['login', '--device-code'], { env });
  const [, code = ''] = await login.waitFor(/Code: (\S+)/);
  emulator.control.device(code, 'approve', upn);
  assert.equal(await login.exit, 0, login.stderr());
  assert.match(login.stdout(), new RegExp(`Signed in as ${upn.replace('.', '\\.')}`));
}

void test('use and logout take a username, without and with a running agent', async () => {
  const [adele, megan] = emulator.users.map((u) => u.upn);
  assert.ok(adele && megan);
  await loginAs(adele);
  await loginAs(megan);

  const use = await run(['use', adele.toUpperCase()]);
  assert.equal(use.code, 0, use.err);
  assert.match(use.out, new RegExp(`Now using ${adele.replace('.', '\\.')}`));

  const logout = await run(['logout', megan]);
  assert.equal(logout.code, 0, logout.err);
  assert.equal(
    logout.out,
    `Signed out ${megan}. Bridges keep tokens they already hold until they expire (at most about an hour).\n`,
  );
  const unknown = await run(['logout', megan]);
  assert.equal(unknown.code, 1);
  assert.match(
    unknown.err,
    new RegExp(`No signed-in account is "${megan.replace('.', '\\.')}" \\(signed in: ${adele.replace('.', '\\.')}\\)`),
  );

  const agent = startCli(['agent'], { env });
  try {
    await agent.waitFor(/Press Ctrl-C to stop\./);
    const viaAgent = await run(['logout', adele]);
    assert.equal(viaAgent.code, 0, viaAgent.err);
    const status = await run(['status']);
    assert.match(status.out, /^Account: +not signed in/m);
  } finally {
    agent.child.kill('SIGINT');
    await agent.exit;
  }
});
