/** The stable broker facade a host hands out while its sign-in core is rebuilt (broker-host.ts). */
import type { BrokerCore } from '../broker.ts';
import type { BrokerStatus } from '../../shared/bridge-contract.ts';

/** A BrokerCore that forwards to a replaceable core and keeps its status listeners across swaps. */
export function createSwitchableBroker(initial: BrokerCore): { broker: BrokerCore; swap(next: BrokerCore): void } {
  let current = initial;
  const listeners = new Set<(status: BrokerStatus) => void>();
  const emit = (status: BrokerStatus) => {
    for (const l of listeners) l(status);
  };
  let unsubscribe = current.onStatusChanged(emit);
  const broker: BrokerCore = {
    get auth() {
      return current.auth;
    },
    get endpoint() {
      return current.endpoint;
    },
    get adminEndpoint() {
      return current.adminEndpoint;
    },
    start: () => current.start(),
    status: () => current.status(),
    onStatusChanged(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    signIn: (options) => current.signIn(options),
    signInWithDeviceCode: (options) => current.signInWithDeviceCode(options),
    signOut: (id) => current.signOut(id),
    useAccount: (id) => current.useAccount(id),
    grantConsent: (target, options) => current.grantConsent(target, options),
    decideClient: (id, decision) => current.decideClient(id, decision),
    decideWrite: (id, decision) => current.decideWrite(id, decision),
    setPaused: (paused) => current.setPaused(paused),
    audit: (query) => current.audit(query),
    auditLogPath: () => current.auditLogPath(),
    stop: () => current.stop(),
    adminStatus: () => current.adminStatus(),
    loadState: () => current.loadState(),
    neededScopes: () => current.neededScopes(),
    connectionCount: () => current.connectionCount(),
  };
  return {
    broker,
    swap(next) {
      unsubscribe();
      current = next;
      unsubscribe = next.onStatusChanged(emit);
      emit(next.status());
    },
  };
}
