/**
 * Runs a command on a REAL pseudo-terminal (python3's pty module), the way a person's terminal runs
 * it: the child's stdin is a TTY. The test writes what the person would type and reads everything the
 * terminal shows (the pty echoes typed input).
 *
 *   const t = startPty([process.execPath, 'dist/cli.js', 'clients', 'approve', 'session-1'], { env });
 *   await t.waitFor(/Code: $/m);
 *   t.type('123456\n');
 *   assert.equal(await t.exit, 0);
 */
import { spawn } from 'node:child_process';

const RELAY = `
import os, pty, sys, select
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
stdin = sys.stdin.fileno()
open_in = True
while True:
    watch = [fd] + ([stdin] if open_in else [])
    ready, _, _ = select.select(watch, [], [])
    if fd in ready:
        try:
            data = os.read(fd, 4096)
        except OSError:
            data = b''
        if not data:
            break
        os.write(sys.stdout.fileno(), data)
    if open_in and stdin in ready:
        data = os.read(stdin, 4096)
        if data:
            os.write(fd, data)
        else:
            open_in = False
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
`;

export interface PtyProcess {
  /** Everything the terminal showed so far, without cursor-control escapes (readline draws the prompt with them). */
  output(): string;
  /** Types text into the terminal (include '\n' for Enter). */
  type(text: string): void;
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Calls `listener` with each piece of new output (cursor-control escapes removed). */
  onOutput(listener: (text: string) => void): void;
  exit: Promise<number | null>;
  kill(): void;
}

export function startPty(argv: string[], options: { env: NodeJS.ProcessEnv; cwd?: string }): PtyProcess {
  const child = spawn('python3', ['-c', RELAY, ...argv], {
    env: options.env,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  const waiters = new Set<() => void>();
  const listeners: ((text: string) => void)[] = [];
  child.stdout.on('data', (d: Buffer) => {
    // eslint-disable-next-line no-control-regex
    const text = d.toString('utf8').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    out += text;
    for (const l of listeners) l(text);
    for (const w of [...waiters]) w();
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    output: () => out,
    type: (text) => void child.stdin.write(text),
    exit,
    kill: () => void child.kill('SIGTERM'),
    onOutput: (listener) => void listeners.push(listener),
    waitFor: (re, ms = 30_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const m = re.exec(out);
          if (m === null) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(m);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${String(re)} on the terminal:\n${out}`));
        }, ms);
        waiters.add(check);
        void exit.then(() => setImmediate(check));
        check();
      }),
  };
}
