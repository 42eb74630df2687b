/** What a host gives createBroker (broker.ts): the broker's OS edges, files, host facts and test seams. */
import type { BrokerEndpoint } from '../shared/endpoint.ts';
import type { AuthService } from './auth/auth-service.ts';
import type { BrokerConfig } from './broker-config.ts';
import type { Confirmations, ShowConfirmation } from './admin/confirmations.ts';
import type { SettingsControl } from './admin/settings-control.ts';
import type { RpcServerLimits } from './ipc/rpc-server.ts';
import type { SetTimer } from '../shared/timers.ts';
import type { Logger, SecretRegistry } from './log/logger.ts';

export interface BrokerDeps {
  auth: AuthService;
  endpoint: BrokerEndpoint;
  /** Windows named pipes: no POSIX file modes, no socket files. */
  isPipe: boolean;
  /** Current uid for the private-dir owner check (undefined on Windows). */
  uid: number | undefined;
  /** clients.json and audit.jsonl live here. */
  stateDir: string;
  config: () => BrokerConfig;
  version: string;
  logger: Logger;
  /** Shared with the logger so the keys and issued tokens are masked in every line. */
  secrets: SecretRegistry;
  /** Path of the log file, shown in status and INTERNAL error messages. */
  logPath?: string | null;
  host?: 'agent' | 'tray';
  /** Can a human answer write approvals (tray: yes; agent: only with --approvals=ask)? */
  interactiveApprovals: boolean;
  /**
   * Shows a one-time confirmation code to the person at this host — the tray's window, the agent's own
   * terminal — and says where; never a log, status or a socket. Without it, nothing that loosens access
   * can be done over the admin channel (the window still can).
   */
  showConfirmation?: ShowConfirmation;
  /** The code is no longer valid (used, expired): stop showing it. */
  hideConfirmation?: (challengeId: string) => void;
  /**
   * The host's codes when they outlive this broker (a host that rebuilds its sign-in core withdraws the
   * old core's codes, app/broker/host); made with showConfirmation/hideConfirmation. Default: the broker's own.
   */
  confirmations?: Confirmations;
  /** settings.json for the admin channel's settings.get/update (`graph-bridge settings`). */
  settings?: SettingsControl;
  now?: () => Date;
  newId?: () => string;
  /** What one connection may cost (both sockets); defaults from app/shared/constants.ts. Tests shorten the deadline. */
  ipcLimits?: Partial<RpcServerLimits>;
  /** Timers of the IPC servers (hello deadlines); default unref'd setTimeout. */
  setTimer?: SetTimer;
}
