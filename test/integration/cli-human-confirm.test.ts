/**
 * #11.10 and #15 end to end, with the real CLI (dist/cli.js) against a real `graph-bridge agent`:
 * approving a client or a write, resuming and loosening settings need a person — an interactive terminal
 * (a REAL pty, test/helpers/pty.ts) and the one-time code the agent prints in ITS OWN terminal; from a
 * script (stdin not a TTY) they are refused and no code is made. Tightening works from a script. The
 * code never reaches the agent's log file or state. A command the CLI prints for this profile works when
 * pasted, as printed, into a fresh shell in the home folder without GRAPH_BRIDGE_HOME.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RpcClient } from '../../app/shared/rpc-client.ts';
import { approvalRequestResultSchema, resultSchema } from '../../app/shared/bridge-contract.ts';
import { startPty, type PtyProcess } from '../helpers/pty.ts';
import { filesUnder, helloBridge, runScript } from '../helpers/cli-script.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
let home: string;
let env: NodeJS.ProcessEnv;
/** The agent runs on a terminal of its own (a pty): it shows codes only there. */
let agent: PtyProcess;
const agentOutput = (): string => agent.output();
const codesSeen: string[] = [];

before(async () => {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run npm run build first');
  home = await mkdtemp(join(tmpdir(), 'gb-human-'));
  await mkdir(join(home, 'config'), { recursive: true, mode: 0o700 });
  await writeFile(
    join(home, 'config', 'settings.json'),
    JSON.stringify({
      toolGroups: ['mail'],
      readOnly: false,
      approvalPolicy: { clients: 'ask', writes: { default: 'ask', tools: {} } },
    }),
  );
  const { GRAPH_BRIDGE_HOME: _drop, ...rest } = process.env;
  env = { ...rest, GRAPH_BRIDGE_HOME: home, GRAPH_BRIDGE_KEYCHAIN_SERVICE: `graph-bridge-test-${randomUUID()}` };
  agent = startPty([process.execPath, CLI, 'agent', '--approvals=ask'], { env });
  await agent.waitFor(/Press Ctrl-C/);
});

after(async () => {
  agent.type('\x03');
  await agent.exit;
  // The codes were shown in the agent's terminal only: never in its log, state or audit files.
  for (const file of await filesUnder(home)) {
    const text = await readFile(file, 'utf8').catch(() => '');
    assert.doesNotMatch(text, /Confirmation code/, file);
    for (const code of codesSeen)
      assert.doesNotMatch(text, new RegExp(`(?<![0-9])${code}(?![0-9])`), `${file} has a code`);
  }
  await rm(home, { recursive: true, force: true });
});

async function waitFor(ok: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; agent said:\n${agentOutput()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The next code the agent prints after `since` characters of its output. */
async function nextCode(since: number): Promise<string> {
  let code: string | undefined;
  await waitFor(() => {
    code = /Confirmation code: ([0-9]{6})/.exec(agentOutput().slice(since))?.[1];
    return code !== undefined;
  }, 'a confirmation code in the agent terminal');
  codesSeen.push(code as string);
  return code as string;
}

/** Runs the CLI the way a script or a model's shell tool does: stdin is not a terminal. */
const script = (args: string[]) => runScript(args, env);

/**
 * At a real terminal: runs `argv` on a pty, waits for the code prompt, reads the code the agent printed
 * in its own terminal and types what `answer` returns (the last entry should be the right code).
 */
async function atTerminal(argv: string[], answer: (code: string) => string[], options = { env }) {
  const since = agentOutput().length;
  const t = startPty(argv, options);
  await t.waitFor(/Code: $/m);
  const code = await nextCode(since);
  const typed = answer(code);
  for (const [i, text] of typed.entries()) {
    t.type(`${text}\n`);
    if (i < typed.length - 1) await t.waitFor(/attempts? left\)\.[\s\S]*Code: $/);
  }
  return { exit: await t.exit, output: t.output(), code };
}

async function clients(): Promise<{ id: string; name: string; approval: string; remembered: boolean }[]> {
  const r = await script(['clients', 'list', '--json']);
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out) as { id: string; name: string; approval: string; remembered: boolean }[];
}

/** A bridge with the catalog approval.request is checked against (the mail group is on by default). */
const hello = (name: string): Promise<RpcClient> =>
  helloBridge(home, name, [{ name: 'send_mail', group: 'mail', scopes: ['Mail.Send'], readOnly: false }]);

const wrongOf = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

void test('approving a client: refused from a script (no code made); at a terminal it takes the code from the agent terminal', async () => {
  const bridge = await hello('inspector-cli');
  try {
    const [client] = await clients();
    assert.ok(client && !client.remembered && client.approval === 'pending');

    const before = agentOutput().length;
    const refused = await script(['clients', 'approve', client.id]);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /needs a person at a terminal: approve it in the Graph Bridge window/);
    assert.doesNotMatch(agentOutput().slice(before), /Confirmation code/, 'a script makes no code');
    assert.equal((await clients())[0]?.approval, 'pending');

    const run = await atTerminal([process.execPath, CLI, 'clients', 'approve', client.id], (code) => [
      wrongOf(code),
      code,
    ]);
    assert.equal(run.exit, 0, run.output);
    assert.match(run.output, /To confirm: Allow "inspector-cli" \(session-\d+: not a connected editor/);
    assert.match(run.output, /Wrong confirmation code \(2 attempts left\)/);
    assert.match(run.output, new RegExp(`${client.id}: approved`));
    assert.match(agentOutput(), /To: Allow "inspector-cli"/, 'the agent terminal says what the code is for');
    assert.equal((await clients())[0]?.approval, 'approved');

    // A write from the approved client: allowing it needs the code as well; deny does not.
    const asking = bridge.call('approval.request', { tool: 'send_mail', summary: 'Send mail to ada@contoso.com' });
    let pending: { id: string }[] = [];
    for (let i = 0; i < 100 && pending.length === 0; i++) {
      const r = await script(['approvals', '--json']);
      pending = JSON.parse(r.out) as { id: string }[];
    }
    const id = pending[0]?.id ?? '';
    const scripted = await script(['approvals', 'allow', id]);
    assert.equal(scripted.code, 1);
    assert.match(scripted.err, /needs a person at a terminal/);
    const allowed = await atTerminal([process.execPath, CLI, 'approvals', 'allow', id], (code) => [code]);
    assert.equal(allowed.exit, 0, allowed.output);
    const answer = resultSchema(approvalRequestResultSchema).parse(await asking);
    assert.ok(answer.ok && answer.value.approved);
  } finally {
    bridge.close();
  }
});

void test('pause works from a script; resume needs the code; the printed resume command works pasted into a fresh shell', async () => {
  const paused = await script(['pause']);
  assert.equal(paused.code, 0, paused.err);
  const printed = /Resume it in the Graph Bridge window, or with: (.+)$/m.exec(paused.out)?.[1];
  assert.ok(printed !== undefined, paused.out);
  assert.match(printed, new RegExp(`--home ${home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} resume$`));
  const refused = await script(['resume']);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /needs a person at a terminal/);

  // As printed, in a fresh shell that starts in the home folder with no GRAPH_BRIDGE_HOME.
  const { GRAPH_BRIDGE_HOME: _drop, ...fresh } = env;
  const run = await atTerminal(['sh', '-c', printed], (code) => [code], { env: { ...fresh, HOME: homedir() } });
  assert.equal(run.exit, 0, run.output);
  assert.match(run.output, /Access resumed/);
  const status = await script(['status', '--json']);
  assert.equal((JSON.parse(status.out) as { status: { paused: boolean } }).status.paused, false);
});

void test('settings: tightening applies from a script; loosening is refused there and needs the code at a terminal', async () => {
  const on = await script(['settings', 'set', 'readOnly', 'true']);
  assert.equal(on.code, 0, on.err);
  assert.match(on.out, /readOnly = true \(applied\)/);

  const before = agentOutput().length;
  const off = await script(['settings', 'set', 'readOnly', 'false']);
  assert.equal(off.code, 1);
  assert.match(off.err, /loosens access \(read-only off\)/);
  assert.match(off.err, /needs a person at a terminal/);
  const group = await script(['settings', 'set', 'toolGroups', '+teams']);
  assert.equal(group.code, 1);
  assert.doesNotMatch(agentOutput().slice(before), /Confirmation code/);

  const bad = await script(['settings', 'set', 'approvalPolicy.writes.default', 'sometimes']);
  assert.equal(bad.code, 1);
  assert.match(
    bad.err,
    /Setting "approvalPolicy\.writes\.default" is "sometimes" in the new settings; allowed: "ask", "allow", "deny"/,
  );

  const run = await atTerminal([process.execPath, CLI, 'settings', 'set', 'toolGroups', '+teams'], (code) => [code]);
  assert.equal(run.exit, 0, run.output);
  assert.match(run.output, /enable tool group teams/);
  const get = await script(['settings', 'get', 'toolGroups']);
  assert.equal(get.out.trim(), 'mail, teams');
  const file = JSON.parse(await readFile(join(home, 'config', 'settings.json'), 'utf8')) as { readOnly: boolean };
  assert.equal(file.readOnly, true, 'what was not confirmed was not changed');
});

void test('--home names the profile for any command, from any folder', async () => {
  const { GRAPH_BRIDGE_HOME: _drop, ...fresh } = env;
  const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const c = spawn(process.execPath, [CLI, '--home', home, 'settings', 'get', 'readOnly'], {
      env: fresh,
      cwd: homedir(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.on('close', (code) => resolve({ code, out }));
  });
  assert.equal(r.code, 0);
  assert.equal(r.out.trim(), 'true');
});
