/**
 * The client registry's state, shared by its parts: clients.json as loaded (clients-file.ts), this run's
 * sessions, each client's live connections and call count, and the queue its writes go through.
 */
import type { ClientApproval } from '../../shared/bridge-contract.ts';
import type { Logger } from '../log/logger.ts';
import { writeFileAtomic } from '../../platform/atomic-file.ts';
import { createSerialQueue } from '../state/serial-queue.ts';
import { emptyClientsFile, type ClientsFile, type EditorRecord } from './clients-file.ts';
import type { EditorCredentials } from './editor-credentials.ts';

export type ClientPolicy = 'ask' | 'allow';

export interface ClientRegistryOptions {
  filePath: string;
  now: () => Date;
  /** 'allow' approves unknown clients automatically (headless policy). */
  policy: () => ClientPolicy;
  credentials: EditorCredentials;
  logger: Logger;
  onChange: () => void;
}

/** In memory only: a client's connections, calls and the scopes its catalog needs. */
export interface LiveInfo {
  calls: number;
  connected: number;
  neededScopes: Set<string>;
}

/** A client without a valid editor credential: approved (or not) for its one connection. */
export interface Session {
  name: string;
  approval: ClientApproval;
  firstSeen: string;
  lastSeen: string;
}

export const SESSION_PREFIX = 'session-';

export interface ClientRegistryState {
  readonly options: ClientRegistryOptions;
  file: ClientsFile;
  readonly sessions: Map<string, Session>;
  readonly live: Map<string, LiveInfo>;
  readonly serial: ReturnType<typeof createSerialQueue>;
  nextSession: number;
}

export function createClientRegistryState(options: ClientRegistryOptions): ClientRegistryState {
  return {
    options,
    file: emptyClientsFile(),
    sessions: new Map(),
    live: new Map(),
    serial: createSerialQueue(),
    nextSession: 1,
  };
}

/** The client's live info, created on first use. */
export function liveOf(state: ClientRegistryState, id: string): LiveInfo {
  let info = state.live.get(id);
  if (info === undefined) {
    info = { calls: 0, connected: 0, neededScopes: new Set() };
    state.live.set(id, info);
  }
  return info;
}

/** Queues a write of clients.json as it is now; a failed write is logged. */
export function persist(state: ClientRegistryState): void {
  const { filePath, logger } = state.options;
  const text = `${JSON.stringify(state.file, null, 2)}\n`;
  state
    .serial(() => writeFileAtomic(filePath, text))
    .catch((e: unknown) => logger.error(`Could not save ${filePath}`, { error: e }));
}

/** A new client's approval under the current policy. */
export function newApproval(state: ClientRegistryState): ClientApproval {
  return state.options.policy() === 'allow' ? 'approved' : 'pending';
}

export function editorOf(state: ClientRegistryState, id: string): EditorRecord | undefined {
  return Object.hasOwn(state.file.editors, id) ? state.file.editors[id] : undefined;
}
