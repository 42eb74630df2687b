// A separate Node process using msal-node's DEFAULT network client (global fetch) trusts the emulator
// only through NODE_EXTRA_CA_CERTS set before it starts (spec §2); approval goes over the HTTP control plane.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.ts';
import { createControlClient } from '../helpers/emulator-control.ts';

const CHILD = `
import { PublicClientApplication } from '@azure/msal-node';
const [authority, knownAuthority, clientId] = process.argv.slice(1);
const pca = new PublicClientApplication({ auth: { clientId, authority, knownAuthorities: [knownAuthority] } });
try {
  const r = await pca.acquireTokenByDeviceCode({
    scopes: ['User.Read'],
    deviceCodeCallback: (d) => console.log(JSON.stringify({ userCode: d.userCode })),
  });
  console.log(JSON.stringify({ username: r.account.username, scopes: r.scopes }));
} catch (e) {
  console.log(JSON.stringify({ error: e.errorCode ?? String(e) }));
}
`;

interface ChildLine {
  userCode?: string;
  username?: string;
  scopes?: string[];
  error?: string;
}

async function runChild(
  emu: RunningEmulator,
  env: NodeJS.ProcessEnv,
  onLine: (l: ChildLine) => Promise<void>,
): Promise<ChildLine[]> {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', CHILD, emu.authority, emu.knownAuthority, emu.clientId],
    { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines: ChildLine[] = [];
  for await (const text of createInterface({ input: child.stdout })) {
    const line = JSON.parse(text) as ChildLine;
    lines.push(line);
    await onLine(line);
  }
  return lines;
}

void describe('emulator: TLS trust in a child process', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator();
    emu.control.settings({ deviceInterval: 1 });
  });
  after(async () => {
    await emu.close();
  });

  void it('works with NODE_EXTRA_CA_CERTS and msal-node’s default fetch client', async () => {
    const control = createControlClient({ entraOrigin: emu.entraOrigin, controlKey: emu.controlKey, caPem: emu.caPem });
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: emu.caPath };
    const lines = await runChild(emu, env, async (line) => {
      if (line.userCode) await control.device(line.userCode, 'approve', emu.users[0]!.upn);
    });
    assert.equal(lines.at(-1)?.username, emu.users[0]!.upn);
    assert.ok(lines.at(-1)?.scopes?.includes('User.Read'));
  });

  void it('fails without NODE_EXTRA_CA_CERTS (the CA is not trusted by default)', async () => {
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    const lines = await runChild(emu, env, () => Promise.resolve());
    assert.equal(lines.length, 1);
    assert.ok(lines[0]?.error, 'expected an error, got a token');
  });
});
