/**
 * Per-client approval: which editors may use the user's identity.
 *
 * An approval binds to an editor's CREDENTIAL (editor-credentials.ts), not to the MCP clientInfo.name a
 * process claims. A hello with a valid credential is that editor's client (id = the editor id,
 * `cursor`); its decision is remembered. A hello without one (or with an unknown one) is a new
 * `session-<n>` client for that one connection, pending even when its name equals an approved
 * editor's; the user may approve it for that live session only.
 *
 * Decisions and always-allowed tools are remembered in `clients.json` in the state dir (clients-file.ts:
 * 0600, atomic writes, no secrets). Sessions, call counts, live connections and the scopes each client's
 * catalog needs are in memory only (client-state.ts).
 *
 * This file assembles the parts:
 *   clients-file.ts         the file's format and reading it (a version 1 file's approvals are void)
 *   client-state.ts         the state the parts share, the options, saving the file
 *   client-connections.ts   hello (editor or session), disconnect, calls, the scopes connected clients need
 *   here                    loading, the user's decisions, the list of clients, always-allowed tools
 */
import { fail, ok } from '../../shared/result.ts';
import type { Result } from '../../shared/result.ts';
import type { BrokerStatus, ClientApproval } from '../../shared/bridge-contract.ts';
import type { ClientDecision } from '../broker-api.ts';
import {
  clientConnected,
  clientDisconnected,
  connectedScopes,
  recordClientCall,
  type ClientHello,
  type ClientRef,
} from './client-connections.ts';
import {
  SESSION_PREFIX,
  createClientRegistryState,
  editorOf,
  persist,
  type ClientRegistryOptions,
  type ClientRegistryState,
} from './client-state.ts';
import { readClientsFile } from './clients-file.ts';

export type { ClientHello, ClientRef } from './client-connections.ts';
export type { ClientPolicy, ClientRegistryOptions } from './client-state.ts';

export interface ClientSummary {
  id: string;
  name: string;
  remembered: boolean;
  approval: ClientApproval;
}

export type ClientRegistry = ReturnType<typeof createClientRegistry>;

/** clients.json as read (if it could be), without editors whose credential is no longer current. */
async function load(state: ClientRegistryState): Promise<void> {
  const { filePath, logger, credentials } = state.options;
  state.file = (await readClientsFile(filePath, logger)) ?? state.file;
  const current = await credentials.hashes();
  for (const [id, rec] of Object.entries(state.file.editors)) {
    if (current[id] !== rec.keyHash) delete state.file.editors[id];
  }
}

function describe(state: ClientRegistryState, id: string): ClientSummary | null {
  const session = state.sessions.get(id);
  if (session !== undefined) return { id, name: session.name, remembered: false, approval: session.approval };
  const rec = editorOf(state, id);
  return rec === undefined ? null : { id, name: rec.name, remembered: true, approval: rec.approval };
}

function decide(state: ClientRegistryState, id: string, decision: ClientDecision): Result<void> {
  const { options, sessions, file } = state;
  const session = sessions.get(id);
  const rec = editorOf(state, id);
  if (session === undefined && rec === undefined) {
    return fail(
      'BAD_REQUEST',
      `No client with the id "${id}" (it may have disconnected). The list of clients shows each one's id.`,
    );
  }
  if (session !== undefined) {
    if (decision === 'revoke') sessions.delete(id);
    else session.approval = decision === 'approve' ? 'approved' : 'denied';
  } else if (decision === 'revoke') {
    delete file.editors[id];
    // Its credential goes too: the key in the editor's config no longer identifies anyone.
    state
      .serial(() => options.credentials.revoke(id))
      .catch((e: unknown) => options.logger.error(`Could not revoke the credential of "${id}"`, { error: e }));
    persist(state);
  } else if (rec !== undefined) {
    rec.approval = decision === 'approve' ? 'approved' : 'denied';
    persist(state);
  }
  options.logger.info(`Client ${id}: ${decision}`);
  options.onChange();
  return ok(undefined);
}

type ClientRow = BrokerStatus['clients'][number];
type RowSource = { name: string; approval: ClientApproval; firstSeen: string; lastSeen: string };

function row(state: ClientRegistryState, id: string, rec: RowSource): ClientRow {
  const info = state.live.get(id);
  return {
    id,
    name: rec.name,
    remembered: !id.startsWith(SESSION_PREFIX),
    approval: rec.approval,
    firstSeen: rec.firstSeen,
    lastSeen: rec.lastSeen,
    calls: info?.calls ?? 0,
    connected: info?.connected ?? 0,
  };
}

/** Remembered editors (by id), then this run's sessions (in the order they connected). */
function list(state: ClientRegistryState): BrokerStatus['clients'] {
  const editors = Object.entries(state.file.editors).map(([id, rec]) => row(state, id, rec));
  const current = [...state.sessions.entries()].map(([id, s]) => row(state, id, s));
  return [...editors.sort((a, b) => a.id.localeCompare(b.id)), ...current];
}

function rememberToolAllowed(state: ClientRegistryState, tool: string): void {
  if (state.file.alwaysAllowedTools.includes(tool)) return;
  state.file.alwaysAllowedTools.push(tool);
  persist(state);
}

export function createClientRegistry(options: ClientRegistryOptions) {
  const state = createClientRegistryState(options);
  return {
    /**
     * Loads clients.json and drops editors whose credential was disconnected or replaced since; a
     * missing file is an empty registry, a corrupt one is reported and ignored.
     */
    load: (): Promise<void> => load(state),
    /** A hello: identifies the client by its credential, records its catalog, returns its id and approval. */
    connected: (hello: ClientHello): ClientRef => clientConnected(state, hello),
    disconnected: (id: string): void => clientDisconnected(state, id),
    approval: (id: string): ClientApproval => (state.sessions.get(id) ?? editorOf(state, id))?.approval ?? 'pending',
    /** Id, label and kind of a client (for prompts and messages), or null when unknown. */
    describe: (id: string): ClientSummary | null => describe(state, id),
    recordCall: (id: string): void => recordClientCall(state, id),
    decide: (id: string, decision: ClientDecision): Result<void> => decide(state, id, decision),
    /** Remembered editors (by id), then this run's sessions (in the order they connected). */
    list: (): BrokerStatus['clients'] => list(state),
    /** Union of the scopes the connected clients' tool catalogs need. */
    neededScopes: (): string[] => connectedScopes(state),
    isToolAlwaysAllowed: (tool: string): boolean => state.file.alwaysAllowedTools.includes(tool),
    rememberToolAllowed: (tool: string): void => rememberToolAllowed(state, tool),
    /** Waits for pending writes (tests, shutdown). */
    flush: (): Promise<void> => state.serial(() => Promise.resolve()),
  };
}
