/**
 * #15: "`npm run demo` followed by the README's own commands, pasted as printed, approves an editor and a
 * write". The demo runs without --once (its "your turn" step); this test is the reader at a second
 * terminal: it takes each command exactly as the demo printed it, pastes it into a fresh shell on a REAL
 * pty (HOME is an empty folder, no GRAPH_BRIDGE_HOME, not in the checkout), and types the one-time code
 * the agent printed in the demo's terminal. Nothing else tells the broker anything.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startPty } from '../helpers/pty.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let work: string;
let demo: ChildProcessWithoutNullStreams;
let out = '';
const waiters = new Set<() => void>();

/** Resolves with the first match of `re` in what the demo printed after `from`. */
function demoSays(re: RegExp, from = 0): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const m = re.exec(out.slice(from));
      if (m !== null) resolve(m);
      return m !== null;
    };
    if (check()) return;
    const waiter = (): void => {
      if (check()) waiters.delete(waiter);
      else if (demo.exitCode !== null) reject(new Error(`the demo exited before printing ${re}:\n${out.slice(-3000)}`));
    };
    waiters.add(waiter);
  });
}

/** The command the demo printed on the line after `intro`, as a person would copy it. */
async function printedCommand(intro: RegExp, from: number): Promise<{ command: string; at: number }> {
  const m = await demoSays(new RegExp(`${intro.source}[^\\n]*\\n\\S*\\[demo\\]\\S* {4}(.+)\\n`), from);
  return { command: m[1] ?? '', at: from + m.index + m[0].length };
}

/** Pastes `command` into a fresh shell on a pty; types the code the agent prints when asked. */
async function pasteInFreshTerminal(command: string, codeFrom: number | null): Promise<string> {
  const home = await mkdtemp(join(work, 'terminal-'));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TERM: 'xterm', LANG: 'C.UTF-8' };
  const terminal = startPty(['bash', '--norc', '--noprofile', '-c', command], { env, cwd: home });
  if (codeFrom !== null) {
    await terminal.waitFor(/Code: $/m, 60_000);
    const code = (await demoSays(/\[agent\] Confirmation code: ([0-9]{6})/, codeFrom))[1] ?? '';
    terminal.type(`${code}\n`);
  }
  const exit = await terminal.exit;
  assert.equal(exit, 0, `${command}\n${terminal.output()}`);
  return terminal.output();
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'gb-your-turn-'));
  const args = ['--import', 'tsx', 'test/emulator/demo.ts', '--entra-port', '0', '--graph-port', '0'];
  demo = spawn(process.execPath, [...args, '--home', join(work, 'profile')], { cwd: root });
  const collect = (d: Buffer): void => {
    out += d.toString('utf8');
    for (const w of [...waiters]) w();
  };
  demo.stdout.on('data', collect);
  demo.stderr.on('data', collect);
  demo.on('exit', () => {
    for (const w of [...waiters]) w();
  });
});

after(async () => {
  if (demo.exitCode === null) {
    demo.kill('SIGINT');
    await new Promise((r) => demo.once('exit', r));
  }
  await rm(work, { recursive: true, force: true });
});

test('after npm run demo, the printed commands approve an editor and a write from a fresh terminal', async (t) => {
  if (!existsSync(join(root, 'dist/cli.js'))) {
    t.skip('dist/ is not built: run `npm run build` (npm test does it before the tiers)');
    return;
  }
  const approve = await printedCommand(/Open a second terminal and run this/, 0);
  assert.match(approve.command, /--home .* clients approve demo-editor$/);
  const approved = await pasteInFreshTerminal(approve.command, approve.at);
  assert.match(approved, /demo-editor: approved/);

  const allow = await printedCommand(/Allow the write in the second terminal/, approve.at);
  assert.match(allow.command, /--home .* approvals allow \S+$/);
  await pasteInFreshTerminal(allow.command, allow.at);
  const sent = await demoSays(/send_mail( \(refused\))?: (.*)\n/, allow.at);
  assert.equal(sent[1], undefined, sent[0]);
  assert.match(sent[2] ?? '', /Sent "Hello from Graph Bridge"/);

  const setting = await printedCommand(/Change a setting the same way/, allow.at);
  assert.match(setting.command, /settings set readOnly true$/);
  await pasteInFreshTerminal(setting.command, null);
  demo.kill('SIGINT');
  assert.equal(await new Promise((r) => demo.once('exit', r)), 0, out.slice(-2000));
});
