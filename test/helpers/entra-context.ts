import type { EmulatorClock } from '../emulator/types.ts';
import type { EntraContext } from '../emulator/entra/context.ts';
import { TENANT_DOMAIN, TENANT_ID } from '../emulator/fixtures.ts';
import type { SigningKey } from '../emulator/jwt.ts';
import { EmulatorState } from '../emulator/state.ts';

/** The emulator's Entra context on the default localhost origins and demo tenant, for unit tests. */
export function testEntraContext(options: {
  clock: EmulatorClock;
  keys: SigningKey[];
  state?: EmulatorState;
}): EntraContext {
  return {
    state: options.state ?? new EmulatorState(),
    clock: options.clock,
    origin: 'https://localhost:8443',
    graphOrigin: 'https://localhost:8445',
    tenantId: TENANT_ID,
    tenantDomain: TENANT_DOMAIN,
    keys: options.keys,
  };
}
