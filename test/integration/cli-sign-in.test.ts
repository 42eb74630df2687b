/**
 * `graph-bridge login` and `consent` as typed, on a machine where the browser does not open: PATH
 * holds an `xdg-open` that exits 3 (as on a headless box) or one that exits 0 but nobody signs in.
 * In-process (no broker running) and through a running `graph-bridge agent` (admin notifications):
 * the URL is printed, a failed launch is named with the --device-code alternative, an abandoned
 * sign-in ends after signInTimeoutSeconds (set short here), Ctrl-C says "sign-in cancelled", and
 * the agent's loopback listeners are closed after each cancelled or abandoned flow (counted in /proc).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../emulator/index.ts';
import { writeEmulatorSettings } from '../helpers/broker.ts';
import { startCli, type CliProcess } from '../helpers/cli-process.ts';
import { listeningTcpPorts, waitForListeners } from '../helpers/listening-sockets.ts';

let emulator: RunningEmulator;
let work: string;
let exitCodeFile: string;
let env: NodeJS.ProcessEnv;
let home: string;

/** What the fake `xdg-open` exits with: 3 = "no browser" (xdg-utils), 0 = a browser nobody uses. */
async function launcherExits(code: 0 | 3): Promise<void> {
  await writeFile(exitCodeFile, `${code}\n`);
}

async function settings(signInTimeoutSeconds: number): Promise<void> {
  await writeEmulatorSettings(home, emulator, {
    toolGroups: ['profile', 'mail'],
    approvalPolicy: { clients: 'allow', writes: { default: 'ask', tools: {} } },
    signInTimeoutSeconds,
  });
}

before(async () => {
  emulator = await startEmulator();
  work = await mkdtemp(join(tmpdir(), 'gb-cli-sign-in-'));
  home = join(work, 'home');
  const bin = join(work, 'bin');
  await mkdir(bin);
  exitCodeFile = join(work, 'xdg-open-exit');
  await writeFile(
    join(bin, 'xdg-open'),
    `#!/bin/sh\nprintf '%s\\n' "$1" >> '${join(work, 'opened')}'\nexit "$(cat '${exitCodeFile}')"\n`,
  );
  await chmod(join(bin, 'xdg-open'), 0o755);
  env = {
    ...process.env,
    PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
    GRAPH_BRIDGE_HOME: home,
    GRAPH_BRIDGE_KEYCHAIN_SERVICE: `graph-bridge-test-${randomUUID()}`,
  };
});

after(async () => {
  await emulator.close();
  await rm(work, { recursive: true, force: true });
});

const authorizeUrl = () =>
  new RegExp(`^  (${emulator.authority.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/oauth2/v2\\.0/authorize\\?\\S+)$`, 'm');

/** The sign-in URL is printed; the launch failure is named with the device-code command. */
async function expectNoBrowserHelp(p: CliProcess, deviceCodeCommand: string): Promise<string> {
  const [, url = ''] = await p.waitFor(authorizeUrl());
  assert.match(new URL(url).searchParams.get('redirect_uri') ?? '', /^http:\/\/localhost:\d+$/);
  await p.waitFor(/Waiting for you to finish signing in/);
  assert.match(
    p.stderr(),
    /Could not open a browser \(xdg-open exited with code 3: no web browser is installed or set up\)\./,
  );
  // The printed command names this profile (--home) and ends with the device-code command.
  const printed = /sign in from any device with:\n {2}(.*)\n/.exec(p.stderr())?.[1] ?? '';
  assert.ok(printed.endsWith(` ${deviceCodeCommand}`) && printed.includes('--home'), p.stderr());
  return url;
}

async function expectCancelled(p: CliProcess): Promise<void> {
  p.child.kill('SIGINT');
  assert.equal(await p.exit, 1);
  assert.match(p.stderr(), /graph-bridge: sign-in cancelled/);
  assert.doesNotMatch(p.stderr(), /lost the connection/);
}

void describe('without a running broker (sign-in in the CLI process)', () => {
  void test('no browser: URL, failure and --device-code printed; Ctrl-C says "sign-in cancelled"', async () => {
    await settings(600);
    await launcherExits(3);
    const login = startCli(['login'], { env });
    await expectNoBrowserHelp(login, 'login --device-code');
    await expectCancelled(login);
  });

  void test('nobody finishes: the sign-in ends after signInTimeoutSeconds with a clear message', async () => {
    await settings(2);
    await launcherExits(0);
    const login = startCli(['login'], { env });
    await login.waitFor(authorizeUrl());
    assert.equal(await login.exit, 1);
    assert.match(login.stderr(), /Sign-in was not finished within 2 seconds, so Graph Bridge stopped waiting\./);
    assert.match(login.stderr(), /without a browser on this computer, run: .*--home .* login --device-code/);
    assert.doesNotMatch(login.stderr(), /Could not open a browser/, 'the launcher said it opened one');
  });
});

void describe('through a running agent (admin channel)', () => {
  let agent: CliProcess;
  const startAgent = async (timeoutSeconds: number): Promise<number> => {
    await settings(timeoutSeconds);
    agent = startCli(['agent'], { env });
    await agent.waitFor(/Press Ctrl-C to stop\./);
    return agent.child.pid ?? assert.fail('agent pid');
  };
  const stopAgent = async (): Promise<void> => {
    agent.child.kill('SIGINT');
    assert.equal(await agent.exit, 0, agent.stderr());
  };

  void test('Ctrl-C on login and consent: the URL reaches this terminal, each cancel closes its listener', async () => {
    const pid = await startAgent(600);
    try {
      await launcherExits(3);
      const baseline = await listeningTcpPorts(pid);

      const login = startCli(['login'], { env });
      const url = await expectNoBrowserHelp(login, 'login --device-code');
      const loopback = Number(new URL(new URL(url).searchParams.get('redirect_uri') ?? '').port);
      assert.ok((await listeningTcpPorts(pid)).includes(loopback), 'the agent listens for the browser');
      await expectCancelled(login);
      assert.deepEqual(await waitForListeners(pid, (p) => !p.includes(loopback)), baseline);

      for (let i = 0; i < 3; i++) {
        const consent = startCli(['consent', 'mail', 'Tasks.Read'], { env });
        const grantUrl = await expectNoBrowserHelp(consent, 'consent --device-code mail Tasks.Read');
        const port = Number(new URL(new URL(grantUrl).searchParams.get('redirect_uri') ?? '').port);
        assert.ok((await listeningTcpPorts(pid)).includes(port));
        await expectCancelled(consent);
        assert.deepEqual(
          await waitForListeners(pid, (p) => !p.includes(port)),
          baseline,
          `cancelled consent #${i + 1} left no listener behind`,
        );
      }
    } finally {
      await stopAgent();
    }
  });

  void test('nobody finishes (the browser "opened"): login and consent end after the limit, listeners closed', async () => {
    const pid = await startAgent(2);
    try {
      await launcherExits(0);
      const baseline = await listeningTcpPorts(pid);
      const login = startCli(['login'], { env });
      await login.waitFor(authorizeUrl());
      assert.equal(await login.exit, 1);
      assert.match(login.stderr(), /Sign-in was not finished within 2 seconds, so Graph Bridge stopped waiting\./);
      assert.match(login.stderr(), /run: .*--home .* login --device-code/);

      const consent = startCli(['consent', 'Tasks.Read'], { env });
      await consent.waitFor(authorizeUrl());
      assert.equal(await consent.exit, 1);
      assert.match(consent.stderr(), /Granting consent was not finished within 2 seconds/);
      assert.match(consent.stderr(), /run: .*--home .* consent --device-code Tasks\.Read/);
      assert.deepEqual(await waitForListeners(pid, (p) => p.length === baseline.length), baseline);
    } finally {
      await stopAgent();
    }
  });
});
