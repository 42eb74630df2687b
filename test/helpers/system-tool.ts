/**
 * Where an administrator's tool (useradd, userdel, runuser) is: on PATH, else in /usr/sbin or /sbin,
 * which a minimal PATH (`env -i PATH=/usr/bin:/bin`, some CI runners) leaves out. Null when it is in none:
 * the test that needs it then skips and says why, instead of failing on a spawn error.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function systemTool(name: string, path: string | undefined = process.env.PATH): string | null {
  const dirs = [...(path ?? '').split(delimiter).filter(Boolean), '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}
