import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCommands, COMMAND_TABLE } from '../../../app/cli/router.ts';
import { createFakeAuth } from '../broker/fake-auth-service.ts';
import { runTestCli } from './run-cli.ts';

interface Run {
  code: number;
  out: string;
  err: string;
}

type Cli = (...argv: [{ interactive: boolean }, ...string[]] | string[]) => Promise<Run>;

async function withCli(fn: (cli: Cli, home: string) => Promise<void>): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'gb-cli-unit-'));
  try {
    await fn(async (...input) => {
      const [first, ...others] = input;
      const interactive = typeof first === 'object' && first.interactive;
      const argv = typeof first === 'object' ? (others as string[]) : (input as string[]);
      return runTestCli(argv, { home, interactive });
    }, home);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

void test('--version, --help, no command and unknown commands', () =>
  withCli(async (cli) => {
    assert.deepEqual(await cli('--version'), { code: 0, out: '9.9.9\n', err: '' });
    const help = await cli('--help');
    assert.equal(help.code, 0);
    for (const name of ['agent', 'login', 'logout', 'use', 'status', 'consent', 'clients', 'approvals', 'connect']) {
      assert.match(help.out, new RegExp(`\\n  ${name}\\s`));
    }
    assert.equal((await cli()).code, 2);
    const unknown = await cli('frobnicate');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown command "frobnicate"/);
  }));

void test('every command answers --help with its usage and exit 0', () =>
  withCli(async (cli) => {
    for (const c of buildCommands({ authFactory: () => Promise.resolve(createFakeAuth()) })) {
      const r = await cli(c.name, '--help');
      assert.equal(r.code, 0, c.name);
      assert.match(r.out, /Usage:/, c.name);
    }
  }));

void test('usage errors exit 2 and name the problem', () =>
  withCli(async (cli) => {
    const cases: [string[], RegExp][] = [
      [['status', '--bogus'], /bogus/],
      [['status', 'extra'], /no arguments/],
      [['clients', 'approve'], /exactly one id/],
      [['settings', 'set', 'readOnly'], /a key and a value/],
      [['settings', 'explode'], /unknown settings command/],
      [['--home'], /--home needs a directory/],
      [['clients', 'explode', 'x'], /unknown clients command/],
      [['approvals', 'allow'], /exactly one id/],
      [['use'], /exactly one account/],
      [['consent'], /at least one group or scope/],
      [['agent', '--approvals=maybe'], /"ask" or "none"/],
      [['audit', '--limit', '0'], /positive integer/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(...argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.err, message, argv.join(' '));
      assert.match(r.err, /Usage:/);
    }
  }));

void test('without a running broker: status and clients run in-process; approvals/pause say how to start one', () =>
  withCli(async (cli, home) => {
    const status = await cli('status', '--json');
    assert.equal(status.code, 0, status.err);
    const json = JSON.parse(status.out) as { running: boolean; status: { account: { username: string } | null } };
    assert.equal(json.running, false);
    assert.equal(json.status.account?.username, 'ada@contoso.com');
    const human = await cli('status');
    assert.match(human.out, /Broker: +not running/);
    assert.match(human.out, /Token cache: +memory/);

    // Approving needs a person at a terminal (this one is not) — and a running broker to show the code.
    const approve = await cli('clients', 'approve', 'cursor');
    assert.equal(approve.code, 1);
    assert.match(approve.err, /needs a person at a terminal: approve it in the Graph Bridge window/);
    const interactive = await cli({ interactive: true }, 'clients', 'approve', 'cursor');
    assert.equal(interactive.code, 1);
    assert.match(interactive.err, /must be running to show you a confirmation code/);
    assert.match(interactive.err, new RegExp(`--home ${home} agent`));
    await assert.rejects(readFile(join(home, 'state', 'clients.json'), 'utf8'), 'nothing was approved on disk');
    assert.match((await cli('clients', 'list')).out, /No clients yet/);

    for (const argv of [['approvals'], ['pause']]) {
      const r = await cli(...argv);
      assert.equal(r.code, 1);
      assert.match(r.err, /no Graph Bridge broker is running.*--home \S+ agent/s);
    }
    const audit = await cli('audit');
    assert.equal(audit.code, 0);
    assert.match(audit.out, /No audit entries/);
  }));

void test('login and logout in-process report the account and the remedy text', () =>
  withCli(async (cli) => {
    const login = await cli('login', '--device-code');
    assert.equal(login.code, 0, login.err);
    assert.match(login.out, /Code: ABCD-EFGH/);
    assert.match(login.out, /Signed in as ada@contoso\.com/);
    const logout = await cli('logout');
    assert.equal(logout.code, 0);
    assert.match(logout.out, /until they expire/);
  }));

void test('the command table matches the commands it loads: names and summaries never drift', async () => {
  const factory = () => Promise.resolve(createFakeAuth());
  for (const entry of COMMAND_TABLE) {
    const loaded = await entry.load(factory);
    assert.equal(loaded.name, entry.name);
    assert.equal(loaded.summary, entry.summary, entry.name);
  }
});
