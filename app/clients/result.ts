/**
 * The error channel of app/clients: a typed Result with a stable code and a message that names the
 * file and tells the user what to do. Nothing here throws for expected failures (parse errors,
 * permissions, locks); unexpected bugs still throw.
 */
import type { Result } from '../shared/result.ts';

export const CLIENTS_ERROR_CODES = [
  /** The editor's config file is not valid JSON/JSONC. Nothing was written. */
  'CONFIG_INVALID',
  /** The file parses but has a shape we will not touch (root not an object, `mcpServers` an array, …). */
  'CONFIG_UNEXPECTED_SHAPE',
  /** The file or its directory is read-only, immutable, or owned by someone else. */
  'PERMISSION_DENIED',
  /** Another `graph-bridge connect` held the lock for too long. */
  'LOCKED',
  /** Any other I/O failure (disk full, path is a directory, …). */
  'IO_ERROR',
  /** The command line named an unknown editor or bad option. */
  'BAD_REQUEST',
] as const;
export type ClientsErrorCode = (typeof CLIENTS_ERROR_CODES)[number];

export interface ClientsError {
  code: ClientsErrorCode;
  message: string;
  /** The file the error is about, when there is one. */
  file?: string;
  /** 1-based position of a parse error. */
  line?: number;
  column?: number;
}

export function errResult<T = never>(
  code: ClientsErrorCode,
  message: string,
  extra: Omit<ClientsError, 'code' | 'message'> = {},
): Result<T, ClientsError> {
  return { ok: false, error: { code, message, ...extra } };
}
