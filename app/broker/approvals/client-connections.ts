/**
 * Clients coming and going: a hello is identified by its editor credential (a remembered editor) or
 * becomes a `session-<n>` client for that one connection; the live connections and calls of each, and
 * the scopes the connected clients' catalogs need.
 */
import type { ClientApproval, ToolCatalogEntry } from '../../shared/bridge-contract.ts';
import { SESSION_PREFIX, editorOf, liveOf, newApproval, persist, type ClientRegistryState } from './client-state.ts';
import type { EditorIdentity } from './editor-credentials.ts';

export interface ClientHello {
  /** MCP clientInfo.name: a label, never an identity. */
  name: string;
  tools: readonly ToolCatalogEntry[];
  editorKey?: string | undefined;
}

export interface ClientRef {
  /** Editor id or `session-<n>`. */
  id: string;
  approval: ClientApproval;
}

function connectEditor(state: ClientRegistryState, identity: EditorIdentity, name: string, now: string): ClientRef {
  const { editor, hash: keyHash } = identity;
  let rec = editorOf(state, editor);
  if (rec === undefined || rec.keyHash !== keyHash) {
    // A new credential (connect ran again after a disconnect) is a new editor: earlier decisions were
    // given to the old one.
    rec = { approval: newApproval(state), keyHash, name, firstSeen: now, lastSeen: now };
    state.file.editors[editor] = rec;
    state.options.logger.info(`New editor "${editor}" (${JSON.stringify(name)}): ${rec.approval}`);
  } else {
    rec.name = name;
    rec.lastSeen = now;
  }
  persist(state);
  return { id: editor, approval: rec.approval };
}

function connectSession(state: ClientRegistryState, hello: ClientHello, now: string): ClientRef {
  const id = `${SESSION_PREFIX}${state.nextSession++}`;
  const approval = newApproval(state);
  state.sessions.set(id, { name: hello.name, approval, firstSeen: now, lastSeen: now });
  state.options.logger.info(
    `New client ${id} ("${hello.name}", ${hello.editorKey === undefined ? 'no' : 'an unknown'} editor credential): ${approval}`,
  );
  return { id, approval };
}

/** A hello: identifies the client by its credential, records its catalog, returns its id and approval. */
export function clientConnected(state: ClientRegistryState, hello: ClientHello): ClientRef {
  const { options } = state;
  const now = options.now().toISOString();
  const identity = hello.editorKey === undefined ? null : options.credentials.identify(hello.editorKey);
  const ref = identity !== null ? connectEditor(state, identity, hello.name, now) : connectSession(state, hello, now);
  const info = liveOf(state, ref.id);
  info.connected++;
  for (const t of hello.tools) for (const s of t.scopes) info.neededScopes.add(s);
  options.onChange();
  return ref;
}

export function clientDisconnected(state: ClientRegistryState, id: string): void {
  const info = state.live.get(id);
  if (info !== undefined && info.connected > 0) info.connected--;
  // A session is one connection: its approval ends with it.
  if (id.startsWith(SESSION_PREFIX) && (info?.connected ?? 0) === 0) {
    state.sessions.delete(id);
    state.live.delete(id);
  }
  state.options.onChange();
}

export function recordClientCall(state: ClientRegistryState, id: string): void {
  liveOf(state, id).calls++;
  const rec = state.sessions.get(id) ?? editorOf(state, id);
  if (rec !== undefined) rec.lastSeen = state.options.now().toISOString();
  state.options.onChange();
}

/** Union of the scopes the connected clients' tool catalogs need. */
export function connectedScopes(state: ClientRegistryState): string[] {
  const all = new Set<string>();
  for (const info of state.live.values()) if (info.connected > 0) for (const s of info.neededScopes) all.add(s);
  return [...all].sort();
}
