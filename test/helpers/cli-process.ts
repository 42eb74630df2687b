/**
 * The `graph-bridge` CLI as a user types it: a child process `node --import tsx app/cli/main.ts …`
 * with its own environment (GRAPH_BRIDGE_HOME, PATH, …), its output collected, and waits that end
 * on the text appearing (or the process exiting), with a generous ceiling.
 *
 *   const login = startCli(['login'], { env });
 *   const [, url] = await login.waitFor(/(https:\S+authorize\S+)/);
 *   login.child.kill('SIGINT');
 *   assert.equal(await login.exit, 1);
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './mcp-client.ts';

export const CLI_SOURCE = join(REPO_ROOT, 'app/cli/main.ts');

export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `re` in stdout+stderr; rejects if the process exits first. */
  waitFor(re: RegExp, ceilingMs?: number): Promise<RegExpMatchArray>;
  /** The exit code (null when killed by a signal). */
  exit: Promise<number | null>;
}

export function startCli(args: string[], options: { env: NodeJS.ProcessEnv }): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_SOURCE, ...args], {
    cwd: REPO_ROOT,
    env: options.env,
  });
  let out = '';
  let err = '';
  const watchers = new Set<() => void>();
  const changed = (): void => {
    for (const w of [...watchers]) w();
  };
  child.stdout.on('data', (d: Buffer) => ((out += d.toString()), changed()));
  child.stderr.on('data', (d: Buffer) => ((err += d.toString()), changed()));
  let exited = false;
  const exit = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      exited = true;
      resolve(code);
      changed();
    }),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    waitFor(re, ceilingMs = 120_000) {
      return new Promise((resolve, reject) => {
        const done = (): void => {
          watchers.delete(check);
          clearTimeout(ceiling);
        };
        const check = (): void => {
          const m = re.exec(`${out}\n${err}`);
          if (m === null && !exited) return;
          done();
          if (m !== null) resolve(m);
          else reject(new Error(`exited before ${re} appeared:\n${out}\n${err}`));
        };
        const ceiling = setTimeout(() => {
          done();
          reject(new Error(`no ${re} within ${ceilingMs} ms:\n${out}\n${err}`));
        }, ceilingMs);
        watchers.add(check);
        check();
      });
    },
  };
}
