// Re-runs the current command inside `dbus-run-session` with an unlocked, throwaway gnome-keyring
// (test/helpers/keyring-session.sh) when on Linux without one yet, so integration/e2e tests and the
// benchmarks use the REAL OS keychain. Returns only when already inside (or not on Linux).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** @param {string[]} nodeArgs the node arguments to re-run with (default: this process's). */
export function ensureKeyringSession(nodeArgs = [...process.execArgv, ...process.argv.slice(1)]) {
  if (process.platform !== 'linux' || process.env.GRAPH_BRIDGE_TEST_KEYRING) return;
  const script = join(root, 'test/helpers/keyring-session.sh');
  const r = spawnSync('dbus-run-session', ['--', 'bash', script, process.execPath, ...nodeArgs], {
    stdio: 'inherit',
  });
  if (r.error) {
    console.error(
      `Could not start dbus-run-session (${r.error.message}). Install the keychain test prerequisites: ` +
        `sudo apt-get install -y dbus gnome-keyring libsecret-1-dev`,
    );
    process.exit(1);
  }
  process.exit(r.status ?? 1);
}
