/**
 * The parts of the auth service that its flows share (create-auth-service.ts assembles them): the
 * MSAL edge, the accounts, their token state, and the events the host listens to.
 */
import type { Settings } from '../settings/settings-schema.ts';
import type { AccountBook } from './account-book.ts';
import type { AccountTokenStates } from './account-token-state.ts';
import type { AuthClients } from './auth-clients.ts';
import type { AuthEvents } from './auth-events.ts';
import type { InteractiveTimers } from './interactive.ts';
import type { LogSink } from './msal-logger.ts';

export interface AuthCore {
  settings: Settings;
  /** Already redacting. */
  log: LogSink;
  now: () => number;
  clients: AuthClients;
  accounts: AccountBook;
  states: AccountTokenStates;
  events: AuthEvents;
  openBrowser: (url: string) => Promise<void>;
  /** Timers for the browser sign-in time limit (default: the real ones). */
  timers: InteractiveTimers | undefined;
}
