/** Thin wrapper over node:util parseArgs: strict options, usage errors as values (never thrown). */
import { parseArgs } from 'node:util';

type OptionSpec = Record<string, { type: 'boolean' | 'string'; short?: string; multiple?: boolean }>;

export type Parsed<V> = { ok: true; values: V; positionals: string[] } | { ok: false; message: string };

export function parseCommandArgs<O extends OptionSpec>(
  argv: string[],
  options: O,
): Parsed<{ [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string } & { help?: boolean }> {
  try {
    const r = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { ok: true, values: r.values, positionals: r.positionals };
  } catch (e) {
    return {
      ok: false,
      message: e instanceof Error ? e.message.replace(/\. To specify a positional.*$/s, '.') : String(e),
    };
  }
}
