/**
 * Broker impersonation defence: before connecting, the bridge checks that the directory holding the
 * socket and broker.key, and the key file itself, are private to the current user (the one check in
 * app/shared/private-dir.ts). A process of another user squatting the path fails here, and nothing is
 * sent to it.
 */
import { checkPrivate, type PrivateCheckDeps } from '../../app/shared/private-dir.ts';

export type TrustCheck = { ok: true } | { ok: false; missing: boolean; message: string };

export async function checkBrokerDir(dir: string, keyPath: string, deps: PrivateCheckDeps): Promise<TrustCheck> {
  const dirCheck = await checkPrivate(dir, 'directory', deps);
  if (!dirCheck.ok) {
    return dirCheck.missing
      ? { ok: false, missing: true, message: `Graph Bridge is not running (no ${dir}).` }
      : {
          ok: false,
          missing: false,
          message: `Refusing to talk to the broker: ${dirCheck.problem}. Another user may be impersonating Graph Bridge: remove the directory (or make it private: \`chmod 700 '${dir}'\`) and restart Graph Bridge.`,
        };
  }
  const keyCheck = await checkPrivate(keyPath, 'file', deps);
  if (!keyCheck.ok) {
    return keyCheck.missing
      ? { ok: false, missing: true, message: `Graph Bridge is not running (no ${keyPath}).` }
      : {
          ok: false,
          missing: false,
          message: `Refusing to talk to the broker: ${keyCheck.problem}. Restart Graph Bridge to recreate it.`,
        };
  }
  return { ok: true };
}
