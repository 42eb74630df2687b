/**
 * "Copy bridge command": the bridge as an editor runs it, as ONE line for the user's terminal —
 * POSIX sh on macOS and Linux, PowerShell on Windows (the shell Windows Terminal, the Win+X menu and
 * VS Code open by default). The environment it needs (ELECTRON_RUN_AS_NODE, the profile, the extra
 * CA) is part of the line; on Windows it is set for that one run and removed again, so a later
 * start of the app from the same window is not turned into Node.
 */
import type { StdioServerSpec } from '../clients/bridge-launcher.ts';
import { shellQuote } from '../cli/invocation.ts';
import type { OsKind } from '../platform/platform.ts';

/** A PowerShell literal string: nothing inside is expanded; a quote is doubled. */
export function powershellQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

function posixLine(spec: StdioServerSpec): string {
  const env = Object.entries(spec.env).map(([k, v]) => `${k}=${shellQuote(v, 'linux')}`);
  return [...env, ...[spec.command, ...spec.args].map((a) => shellQuote(a, 'linux'))].join(' ');
}

function powershellLine(spec: StdioServerSpec): string {
  const names = Object.keys(spec.env);
  const set = Object.entries(spec.env).map(([k, v]) => `$env:${k}=${powershellQuote(v)}; `);
  const run = `& ${[spec.command, ...spec.args].map(powershellQuote).join(' ')}`;
  if (names.length === 0) return run;
  return `try { ${set.join('')}${run} } finally { Remove-Item ${names.map((k) => `Env:${k}`).join(', ')} }`;
}

export function bridgeCommandLine(spec: StdioServerSpec, os: OsKind): string {
  return os === 'win32' ? powershellLine(spec) : posixLine(spec);
}
