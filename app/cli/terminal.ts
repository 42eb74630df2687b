/**
 * The real CliTerminal: stdin's and stdout's TTY flags, and a one-line prompt on `prompts` (stderr:
 * stdout stays for output).
 */
import { createInterface } from 'node:readline';
import type { CliTerminal } from './command.ts';

export function createTerminal(
  input: NodeJS.ReadStream,
  output: NodeJS.WriteStream,
  prompts: NodeJS.WriteStream,
): CliTerminal {
  return {
    interactive: input.isTTY === true,
    showsOutput: output.isTTY === true,
    ask(question) {
      return new Promise((resolve) => {
        const rl = createInterface({ input, output: prompts, terminal: input.isTTY === true });
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
