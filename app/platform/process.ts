/** Small process facts shared by every module that takes a lock file. */
import { errnoOf } from '../shared/errno.ts';

/** True when a POSIX process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoOf(err) === 'EPERM';
  }
}
