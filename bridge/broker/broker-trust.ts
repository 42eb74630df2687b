/**
 * Broker impersonation defence: before connecting, the bridge checks that the directory holding the
 * socket and broker.key, and the key file itself, are private to the current user (the one check in
 * app/shared/private-dir.ts). A process of another user squatting the path fails here, and nothing is
 * sent to it.
 */
import { checkPrivate, type PrivateCheckDeps } from '../../app/shared/private-dir.ts';

export type TrustCheck = { ok: true } | { ok: false; missing: boolean; message: string };

export async function checkBrokerDir(dir: string, keyPath: string, deps: PrivateCheckDeps): Promise<TrustCheck> {
  const checks = [
    {
      path: dir,
      kind: 'directory',
      remedy: `Another user may be impersonating Graph Bridge: remove the directory (or make it private: \`chmod 700 '${dir}'\`) and restart Graph Bridge.`,
    },
    { path: keyPath, kind: 'file', remedy: 'Restart Graph Bridge to recreate it.' },
  ] as const;
  for (const { path, kind, remedy } of checks) {
    const check = await checkPrivate(path, kind, deps);
    if (check.ok) continue;
    return check.missing
      ? { ok: false, missing: true, message: `Graph Bridge is not running (no ${path}).` }
      : { ok: false, missing: false, message: `Refusing to talk to the broker: ${check.problem}. ${remedy}` };
  }
  return { ok: true };
}
