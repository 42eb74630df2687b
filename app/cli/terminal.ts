/** The real CliTerminal: stdin's TTY flag and a one-line prompt on stderr (stdout stays for output). */
import { createInterface } from 'node:readline';
import type { CliTerminal } from './command.ts';

export function createTerminal(input: NodeJS.ReadStream, output: NodeJS.WriteStream): CliTerminal {
  return {
    interactive: input.isTTY === true,
    ask(question) {
      return new Promise((resolve) => {
        const rl = createInterface({ input, output, terminal: input.isTTY === true });
        let answered = false;
        rl.on('SIGINT', () => rl.close());
        rl.on('close', () => {
          if (!answered) resolve(null);
        });
        rl.question(question, (answer) => {
          answered = true;
          rl.close();
          resolve(answer);
        });
      });
    },
  };
}
