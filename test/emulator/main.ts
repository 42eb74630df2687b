/**
 * `npm run emulator` — runs the Entra ID + Graph emulator on fixed ports until Ctrl-C and prints how
 * to point the app (or MSAL) at it. Flags: --entra-port <n> (8443), --graph-port <n> (8445),
 * --api-port <n> (the protected demo API; 8447, or 0 when --entra-port is 0), --ca-dir <dir> (default <tmp>/graph-bridge-emulator), --mode page|auto (page), --quiet (no request
 * lines), --ready-json (also print ONE machine-readable line when listening, for programs that start
 * the emulator — e.g. `npm run tray:demo`):
 *
 *   graph-bridge-emulator-ready {"version":1,"entraOrigin":…,"graphOrigin":…,"authority":…,
 *     "knownAuthority":…,"tenantId":…,"tenantDomain":…,"clientId":…,"caPath":…,
 *     "users":[{"upn":…,"password":…,"displayName":…,"isAdmin":…}],
 *     "apiOrigin":…,"api":{"baseUrl":…,"scope":…,"clientId":…,"appIdUri":…,"displayName":…}|null}
 *
 * Port 0 picks a free port (the ready line carries the real origins). --exit-on-stdin-end stops the
 * emulator when its stdin closes, so a parent that dies without stopping it does not leave it running.
 * Prints request lines (method, path, status) — never tokens or bodies.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from './index.ts';
import { EMULATOR_READY_PREFIX, type EmulatorReady } from './demo-tenant.ts';

const { values } = parseArgs({
  options: {
    'entra-port': { type: 'string', default: '8443' },
    'graph-port': { type: 'string', default: '8445' },
    'api-port': { type: 'string' },
    'ca-dir': { type: 'string', default: join(tmpdir(), 'graph-bridge-emulator') },
    mode: { type: 'string', default: 'page' },
    quiet: { type: 'boolean', default: false },
    'ready-json': { type: 'boolean', default: false },
    'exit-on-stdin-end': { type: 'boolean', default: false },
  },
});

const mode = values.mode === 'auto' ? 'auto' : 'page';
// Programs that ask for ephemeral ports (--entra-port 0, e.g. the tray's demo tenant) get one here too.
const apiPort = values['api-port'] ?? (Number(values['entra-port']) === 0 ? '0' : '8447');
const emulator = await startEmulator({
  entraPort: Number(values['entra-port']),
  graphPort: Number(values['graph-port']),
  apiPort: Number(apiPort),
  caDir: values['ca-dir'],
  interactiveMode: mode,
  ...(values.quiet ? {} : { log: (line: string) => console.log(`[${new Date().toISOString()}] ${line}`) }),
});

if (values['ready-json']) {
  // One line, first on stdout, so a parent can wait for it (demo users' passwords are fixtures, not secrets).
  // Typed by the reader's contract (test/emulator/demo-tenant.ts), so the two cannot drift apart.
  const ready: EmulatorReady & Record<string, unknown> = {
    version: 1,
    entraOrigin: emulator.entraOrigin,
    graphOrigin: emulator.graphOrigin,
    authority: emulator.authority,
    knownAuthority: emulator.knownAuthority,
    tenantId: emulator.tenantId,
    tenantDomain: emulator.tenantDomain,
    clientId: emulator.clientId,
    caPath: emulator.caPath,
    interactiveMode: mode,
    users: emulator.users.map((u) => ({
      upn: u.upn,
      password: u.password,
      displayName: u.displayName,
      isAdmin: u.isAdmin === true,
    })),
    apiOrigin: emulator.apiOrigin,
    api: emulator.api,
  };
  console.log(`${EMULATOR_READY_PREFIX}${JSON.stringify(ready)}`);
}

const users = emulator.users
  .map((u) => `    ${u.upn.padEnd(34)} password: ${u.password.padEnd(18)} ${u.isAdmin ? '(admin)' : ''}`)
  .join('\n');
console.log(`Graph Bridge Entra ID + Microsoft Graph emulator (test/demo only — not Microsoft)

  Authority         ${emulator.authority}
                    (also ${emulator.entraOrigin}/organizations, /common, /${emulator.tenantDomain})
  knownAuthorities  ${emulator.knownAuthority}     (host WITH port)
  Graph base URL    ${emulator.graphOrigin}/v1.0   (Graph client: customHosts ["localhost"])
  Download host     ${emulator.downloadOrigin}
  Client ID         ${emulator.clientId}
  Tenant            ${emulator.tenantId} (${emulator.tenantDomain})
  Device login      ${emulator.entraOrigin}/devicelogin
  Protected API     ${emulator.api ? `${emulator.api.baseUrl}   (${emulator.api.displayName})` : '(none)'}
  API scope         ${emulator.api?.scope ?? '(none)'}
                    Graph Bridge settings: "api": {"baseUrl": "${emulator.api?.baseUrl ?? ''}", "scope": "${emulator.api?.scope ?? ''}"}
  CA certificate    ${emulator.caPath}
  Control plane     ${emulator.entraOrigin}/_emulator/…   header ${emulator.controlKeyHeader}: ${emulator.controlKey}
  Sign-in pages     ${mode === 'page' ? 'HTML sign-in and consent pages' : 'automatic (current user, auto-consent)'}

  Demo users:
${users}

  Trust the CA in Node processes (set BEFORE the process starts):
    export NODE_EXTRA_CA_CERTS=${emulator.caPath}
  e.g. curl --cacert ${emulator.caPath} ${emulator.authority}/v2.0/.well-known/openid-configuration

Press Ctrl-C to stop.`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  console.log('Stopping the emulator…');
  emulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
if (values['exit-on-stdin-end']) {
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}
