/**
 * The broker as its hosts see it: the headless agent (app/cli) and the tray (app/main) both build
 * one with `createBroker(deps)` (broker.ts) and drive it through this interface. Bridges never see
 * it — they speak protocol v1 over the socket.
 */
import type { AccountSummary, BrokerStatus } from '../shared/bridge-contract.ts';
import type { Result } from '../shared/result.ts';
import type { ToolGroup } from '../shared/tool-groups.ts';
import type { AuditEntry } from '../shared/audit-contract.ts';
import type { AuthService, DeviceCodeOptions, GrantConsentOptions, SignInOptions } from './auth/auth-service.ts';

export type WriteDecision = 'allow-once' | 'allow-always' | 'deny';
export type ClientDecision = 'approve' | 'deny' | 'revoke';

export interface AuditQuery {
  client?: string;
  tool?: string;
  limit?: number;
}

export interface Broker {
  readonly auth: AuthService;
  /** Starts the IPC server; resolves once bridges can connect. */
  start(): Promise<void>;
  status(): BrokerStatus;
  /** Fires after any change visible in status() (debounce in the UI, not here). */
  onStatusChanged(listener: (status: BrokerStatus) => void): () => void;

  signIn(options?: SignInOptions): Promise<Result<AccountSummary>>;
  signInWithDeviceCode(options: DeviceCodeOptions): Promise<Result<AccountSummary>>;
  /** Default: the active account; else by home account id or username. */
  signOut(homeAccountIdOrUsername?: string): Promise<Result<void>>;
  useAccount(idOrUsername: string): Promise<Result<AccountSummary>>;

  /** Runs incremental consent for a group's scopes (or explicit scopes); clears matching consent items. */
  grantConsent(
    target: { group: ToolGroup } | { scopes: string[] },
    options?: GrantConsentOptions,
  ): Promise<Result<string[]>>;
  /** `id` from status().clients: the editor id a credential names, or `session-<n>`. */
  decideClient(id: string, decision: ClientDecision): Result<void>;
  decideWrite(approvalId: string, decision: WriteDecision): Result<void>;
  setPaused(paused: boolean): void;
  audit(query?: AuditQuery): Promise<AuditEntry[]>;
  /** Absolute path of the current audit log file (for "open the log file"). */
  auditLogPath(): string;
  stop(): Promise<void>;
}
