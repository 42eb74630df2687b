/**
 * Production edges of the upload policy: node:fs/promises for LocalFs, and the path rules of the OS
 * the bridge runs on (given by main.ts, the only bridge module that reads process.platform).
 */
import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { posix, win32 } from 'node:path';
import type { LocalFs } from './local-file.ts';
import type { PolicyFacts } from './policy.ts';

export function nodeLocalFs(): LocalFs {
  const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_NOCTTY } = constants as Partial<typeof constants>;
  return {
    realpath: (p) => realpath(p),
    stat: (p) => stat(p, { bigint: true }),
    open: (p, flags) => open(p, flags),
    // No-follow: the real path was checked, a symlink swapped in since is refused. Non-blocking: a FIFO
    // cannot hang the open (it is then refused as not a regular file).
    openFlags: (O_RDONLY ?? 0) | (O_NOFOLLOW ?? 0) | (O_NONBLOCK ?? 0) | (O_NOCTTY ?? 0),
  };
}

/** Path rules for `platform` (a process.platform value). */
export function policyFactsFor(platform: string): PolicyFacts {
  const windows = platform === 'win32';
  return { path: windows ? win32 : posix, windows, caseInsensitive: windows || platform === 'darwin' };
}
