/**
 * `npm run emulator` — runs the Entra ID + Graph emulator on fixed ports until Ctrl-C and prints how
 * to point the app (or MSAL) at it. Flags: --entra-port <n> (8443), --graph-port <n> (8445),
 * --ca-dir <dir> (default <tmp>/graph-bridge-emulator), --mode page|auto (page).
 * Prints request lines (method, path, status) — never tokens or bodies.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEmulator } from './index.ts';

const { values } = parseArgs({
  options: {
    'entra-port': { type: 'string', default: '8443' },
    'graph-port': { type: 'string', default: '8445' },
    'ca-dir': { type: 'string', default: join(tmpdir(), 'graph-bridge-emulator') },
    mode: { type: 'string', default: 'page' },
    quiet: { type: 'boolean', default: false },
  },
});

const mode = values.mode === 'auto' ? 'auto' : 'page';
const emulator = await startEmulator({
  entraPort: Number(values['entra-port']),
  graphPort: Number(values['graph-port']),
  caDir: values['ca-dir'],
  interactiveMode: mode,
  ...(values.quiet ? {} : { log: (line: string) => console.log(`[${new Date().toISOString()}] ${line}`) }),
});

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
