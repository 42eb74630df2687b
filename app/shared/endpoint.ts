/**
 * Where the broker listens. Pure and zod-free: callers pass the OS facts in (app/platform for the
 * broker, the bridge's entry point for the bridge), so both sides agree on the same path.
 */

export interface EndpointInput {
  /** `process.platform` of the caller (a string so the DOM-only window can type-check this module). */
  platform: string;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  /** OS user name (Windows pipe name is derived from it). */
  username: string;
}

export interface BrokerEndpoint {
  /** Private 0700 directory holding the socket (POSIX) and the key file. */
  dir: string;
  /** Socket path (POSIX) or pipe name (Windows) */
  path: string;
  /** 0600 file with the hex key. */
  keyPath: string;
}

/** Join without importing node:path (keeps this module platform-neutral). */
function join(sep: '/' | '\\', ...parts: string[]): string {
  return parts.map((p, i) => (i === 0 ? p.replace(/[\\/]+$/, '') : p.replace(/^[\\/]+|[\\/]+$/g, ''))).join(sep);
}

/** FNV-1a 32-bit, hex; only to make a stable, non-identifying pipe suffix from the user name. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export function resolveBrokerEndpoint(input: EndpointInput): BrokerEndpoint {
  const { platform, env, homedir, username } = input;
  const home = env.GRAPH_BRIDGE_HOME;
  if (platform === 'win32') {
    const base = home ?? join('\\', env.LOCALAPPDATA ?? join('\\', homedir, 'AppData', 'Local'), 'Graph Bridge');
    const dir = join('\\', base, 'run');
    const suffix = home === undefined ? fnv1a(username.toLowerCase()) : fnv1a(`${username.toLowerCase()}|${home}`);
    return { dir, path: `\\\\.\\pipe\\graph-bridge-${suffix}`, keyPath: join('\\', dir, 'broker.key') };
  }
  let dir: string;
  if (home !== undefined) dir = join('/', home, 'run');
  else if (platform === 'darwin') dir = join('/', homedir, 'Library', 'Application Support', 'Graph Bridge', 'run');
  else if (env.XDG_RUNTIME_DIR) dir = join('/', env.XDG_RUNTIME_DIR, 'graph-bridge');
  else dir = join('/', env.XDG_STATE_HOME ?? join('/', homedir, '.local', 'state'), 'graph-bridge', 'run');
  return { dir, path: join('/', dir, 'broker.sock'), keyPath: join('/', dir, 'broker.key') };
}
