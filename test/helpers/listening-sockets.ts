/**
 * Listening TCP sockets of one process (Linux): the socket inodes among /proc/<pid>/fd, matched
 * against the LISTEN rows (state 0A) of /proc/<pid>/net/tcp and tcp6. Used to prove that a sign-in's
 * loopback listener is closed when the sign-in is cancelled or abandoned.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

const TCP_LISTEN = '0A';

async function socketInodes(pid: number): Promise<Set<string>> {
  const dir = `/proc/${pid}/fd`;
  const inodes = new Set<string>();
  for (const fd of await readdir(dir)) {
    const target = await readlink(join(dir, fd)).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m?.[1] !== undefined) inodes.add(m[1]);
  }
  return inodes;
}

/** Local ports of the process's listening TCP sockets (IPv4 and IPv6), sorted. */
export async function listeningTcpPorts(pid: number): Promise<number[]> {
  const own = await socketInodes(pid);
  const ports: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const text = await readFile(`/proc/${pid}/net/${table}`, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
      const cols = line.trim().split(/\s+/);
      const [, local, , state, , , , , , inode] = cols;
      if (state !== TCP_LISTEN || inode === undefined || !own.has(inode)) continue;
      ports.push(Number.parseInt(local?.split(':')[1] ?? '', 16));
    }
  }
  return ports.sort((a, b) => a - b);
}

/** Polls until `done(ports)` holds (a ceiling, not a measurement); returns the last ports seen. */
export async function waitForListeners(
  pid: number,
  done: (ports: number[]) => boolean,
  ceilingMs = 30_000,
): Promise<number[]> {
  const started = Date.now();
  for (;;) {
    const ports = await listeningTcpPorts(pid);
    if (done(ports) || Date.now() - started > ceilingMs) return ports;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
