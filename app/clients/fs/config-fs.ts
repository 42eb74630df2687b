/**
 * The file-system edge of app/clients, injectable so unit tests can simulate failures (EACCES, a
 * full disk) without touching real permissions. Production code passes `nodeConfigFs`.
 */
import * as fsp from 'node:fs/promises';
import { errnoOf } from '../../shared/errno.ts';
import { errResult, type ClientsError } from '../result.ts';
import type { Result } from '../../shared/result.ts';

export { isProcessAlive } from '../../platform/process.ts';

export type ConfigFs = Pick<
  typeof fsp,
  'readFile' | 'writeFile' | 'stat' | 'realpath' | 'mkdir' | 'open' | 'rename' | 'unlink' | 'readdir' | 'access'
>;

export const nodeConfigFs: ConfigFs = fsp;

/** Maps an unexpected file-system error to a user-facing result that says what to do. */
export function fsErrorResult<T>(
  err: unknown,
  action: string,
  file: string,
  editorHint: string,
): Result<T, ClientsError> {
  const code = errnoOf(err);
  const detail = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return errResult(
        'PERMISSION_DENIED',
        `Cannot ${action} ${file}: permission denied (${code}). The file or its folder is read-only, marked ` +
          `immutable, or owned by another user. Fix its permissions (e.g. \`chmod u+w\` on the file and folder), ` +
          `or add the entry by hand: ${editorHint}. Nothing was changed.`,
        { file },
      );
    case 'ENOSPC':
    case 'EDQUOT':
      return errResult('IO_ERROR', `Cannot ${action} ${file}: the disk is full (${code}). Free some space and retry.`, {
        file,
      });
    case 'EISDIR':
    case 'ENOTDIR':
      return errResult(
        'IO_ERROR',
        `Cannot ${action} ${file}: a directory is in the way (${code}). Move it aside, then run the command again.`,
        { file },
      );
    case undefined:
    default:
      return errResult('IO_ERROR', `Cannot ${action} ${file}: ${detail}. Nothing was changed.`, { file });
  }
}
