/**
 * Where the admin channel lives: a private 0700 directory of its own beside the bridges' run dir
 * (`<run dir>-admin`: `$XDG_RUNTIME_DIR/graph-bridge-admin`, `$GRAPH_BRIDGE_HOME/run-admin`, …) holding
 * `admin.sock` and `admin.key`. The bridge is told only about the run dir (broker.sock, broker.key), so
 * nothing a bridge process is given — its environment, its private-dir check, its key file — leads to
 * the admin key. Windows: the pipe `<pipe>-admin`, its key in `<run dir>-admin\admin.key`.
 */
import type { BrokerEndpoint } from '../../shared/endpoint.ts';
import { ADMIN_KEY_NAME, ADMIN_SOCKET_NAME } from '../admin-protocol.ts';

export interface AdminEndpoint {
  /** Private 0700 directory (checked at broker start like the run dir). */
  dir: string;
  /** Socket path (POSIX) or pipe name (Windows). */
  path: string;
  keyPath: string;
}

export function adminEndpointFor(endpoint: BrokerEndpoint, isPipe: boolean): AdminEndpoint {
  const sep = isPipe ? '\\' : '/';
  const dir = `${endpoint.dir.replace(/[\\/]+$/, '')}-admin`;
  return {
    dir,
    path: isPipe ? `${endpoint.path}-admin` : `${dir}${sep}${ADMIN_SOCKET_NAME}`,
    keyPath: `${dir}${sep}${ADMIN_KEY_NAME}`,
  };
}
