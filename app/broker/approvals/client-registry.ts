/**
 * Per-client approval: which editors may use the user's identity.
 *
 * An approval binds to an editor's CREDENTIAL (editor-credentials.ts), not to the MCP clientInfo.name a
 * process claims. A hello with a valid credential is that editor's client (id = the editor id,
 * `cursor`); its decision is remembered. A hello without one (or with an unknown one) is a new
 * `session-<n>` client for that one connection, pending even when its name equals an approved
 * editor's; the user may approve it for that live session only.
 *
 * On-disk file `clients.json` in the state dir (0600, atomic writes, no secrets):
 *   { "version": 2,
 *     "editors": { "<editor id>": { "approval": "approved"|"pending"|"denied", "keyHash": "<sha256 of the
 *                  credential it was given to>", "name": "<last clientInfo.name>", "firstSeen": ISO, "lastSeen": ISO } },
 *     "alwaysAllowedTools": ["<tool>", …] }   // write tools the user chose "always allow" for
 * A version 1 file (approvals by name) keeps only its alwaysAllowedTools: approvals by name are void.
 * Sessions, call counts, live connections and the scopes each client's catalog needs are in memory only.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { clientApprovalSchema } from '../../shared/bridge-contract.ts';
import { fail, ok } from '../../shared/result.ts';
import type { BrokerStatus, ClientApproval, ToolCatalogEntry } from '../../shared/bridge-contract.ts';
import type { Result } from '../../shared/result.ts';
import type { ClientDecision } from '../broker-api.ts';
import type { Logger } from '../log/logger.ts';
import { writeFileAtomic } from '../../platform/atomic-file.ts';
import { createSerialQueue } from '../state/serial-queue.ts';
import type { EditorCredentials } from './editor-credentials.ts';

const editorRecordSchema = z.object({
  approval: clientApprovalSchema,
  keyHash: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string().max(100),
  firstSeen: z.iso.datetime(),
  lastSeen: z.iso.datetime(),
});
const clientsFileSchema = z.object({
  version: z.literal(2),
  editors: z.record(z.string().max(50), editorRecordSchema),
  alwaysAllowedTools: z.array(z.string().max(100)).default([]),
});
const legacyFileSchema = z.object({
  version: z.literal(1),
  alwaysAllowedTools: z.array(z.string().max(100)).default([]),
});
type ClientsFile = z.infer<typeof clientsFileSchema>;
type EditorRecord = z.infer<typeof editorRecordSchema>;

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

export interface ClientSummary {
  id: string;
  name: string;
  remembered: boolean;
  approval: ClientApproval;
}

interface LiveInfo {
  calls: number;
  connected: number;
  neededScopes: Set<string>;
}

interface Session {
  name: string;
  approval: ClientApproval;
  firstSeen: string;
  lastSeen: string;
}

const SESSION_PREFIX = 'session-';

export type ClientRegistry = ReturnType<typeof createClientRegistry>;

export function createClientRegistry(options: ClientRegistryOptions) {
  let file: ClientsFile = { version: 2, editors: {}, alwaysAllowedTools: [] };
  const sessions = new Map<string, Session>();
  const live = new Map<string, LiveInfo>();
  const serial = createSerialQueue();
  let nextSession = 1;
  const liveOf = (id: string): LiveInfo => {
    let info = live.get(id);
    if (info === undefined) {
      info = { calls: 0, connected: 0, neededScopes: new Set() };
      live.set(id, info);
    }
    return info;
  };
  const persist = (): void => {
    const text = `${JSON.stringify(file, null, 2)}\n`;
    serial(() => writeFileAtomic(options.filePath, text)).catch((e: unknown) =>
      options.logger.error(`Could not save ${options.filePath}`, { error: e }),
    );
  };
  const newApproval = (): ClientApproval => (options.policy() === 'allow' ? 'approved' : 'pending');
  const editorOf = (id: string): EditorRecord | undefined =>
    Object.hasOwn(file.editors, id) ? file.editors[id] : undefined;

  const connectEditor = (editor: string, keyHash: string, name: string, now: string): ClientRef => {
    let rec = editorOf(editor);
    if (rec === undefined || rec.keyHash !== keyHash) {
      // A new credential (connect ran again after a disconnect) is a new editor: earlier decisions were
      // given to the old one.
      rec = { approval: newApproval(), keyHash, name, firstSeen: now, lastSeen: now };
      file.editors[editor] = rec;
      options.logger.info(`New editor "${editor}" (${JSON.stringify(name)}): ${rec.approval}`);
    } else {
      rec.name = name;
      rec.lastSeen = now;
    }
    persist();
    return { id: editor, approval: rec.approval };
  };

  return {
    /**
     * Loads clients.json and drops editors whose credential was disconnected or replaced since; a
     * missing file is an empty registry, a corrupt one is reported and ignored.
     */
    async load(): Promise<void> {
      const text = await readFile(options.filePath, 'utf8').catch(() => null);
      if (text !== null) {
        try {
          const json: unknown = JSON.parse(text);
          const legacy = legacyFileSchema.safeParse(json);
          if (legacy.success) {
            file = { version: 2, editors: {}, alwaysAllowedTools: legacy.data.alwaysAllowedTools };
            options.logger.info(
              `${options.filePath}: approvals by editor name are no longer honoured; each editor asks once more (connect it with graph-bridge connect so its approval is remembered)`,
            );
          } else file = clientsFileSchema.parse(json);
        } catch (e) {
          options.logger.warn(
            `Ignoring unreadable ${options.filePath} (all clients will ask for approval again); delete it to silence this`,
            { error: e },
          );
        }
      }
      const current = await options.credentials.hashes();
      for (const [id, rec] of Object.entries(file.editors)) {
        if (current[id] !== rec.keyHash) delete file.editors[id];
      }
    },
    /** A hello: identifies the client by its credential, records its catalog, returns its id and approval. */
    connected(hello: ClientHello): ClientRef {
      const now = options.now().toISOString();
      const identity = hello.editorKey === undefined ? null : options.credentials.identify(hello.editorKey);
      let ref: ClientRef;
      if (identity !== null) ref = connectEditor(identity.editor, identity.hash, hello.name, now);
      else {
        const id = `${SESSION_PREFIX}${nextSession++}`;
        const approval = newApproval();
        sessions.set(id, { name: hello.name, approval, firstSeen: now, lastSeen: now });
        options.logger.info(
          `New client ${id} ("${hello.name}", ${hello.editorKey === undefined ? 'no' : 'an unknown'} editor credential): ${approval}`,
        );
        ref = { id, approval };
      }
      const info = liveOf(ref.id);
      info.connected++;
      for (const t of hello.tools) for (const s of t.scopes) info.neededScopes.add(s);
      options.onChange();
      return ref;
    },
    disconnected(id: string): void {
      const info = live.get(id);
      if (info !== undefined && info.connected > 0) info.connected--;
      // A session is one connection: its approval ends with it.
      if (id.startsWith(SESSION_PREFIX) && (info?.connected ?? 0) === 0) {
        sessions.delete(id);
        live.delete(id);
      }
      options.onChange();
    },
    approval(id: string): ClientApproval {
      return (sessions.get(id) ?? editorOf(id))?.approval ?? 'pending';
    },
    /** Id, label and kind of a client (for prompts and messages), or null when unknown. */
    describe(id: string): ClientSummary | null {
      const session = sessions.get(id);
      if (session !== undefined) return { id, name: session.name, remembered: false, approval: session.approval };
      const rec = editorOf(id);
      return rec === undefined ? null : { id, name: rec.name, remembered: true, approval: rec.approval };
    },
    recordCall(id: string): void {
      liveOf(id).calls++;
      const rec = sessions.get(id) ?? editorOf(id);
      if (rec !== undefined) rec.lastSeen = options.now().toISOString();
      options.onChange();
    },
    decide(id: string, decision: ClientDecision): Result<void> {
      const session = sessions.get(id);
      const rec = editorOf(id);
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
        serial(() => options.credentials.revoke(id)).catch((e: unknown) =>
          options.logger.error(`Could not revoke the credential of "${id}"`, { error: e }),
        );
        persist();
      } else if (rec !== undefined) {
        rec.approval = decision === 'approve' ? 'approved' : 'denied';
        persist();
      }
      options.logger.info(`Client ${id}: ${decision}`);
      options.onChange();
      return ok(undefined);
    },
    /** Remembered editors (by id), then this run's sessions (in the order they connected). */
    list(): BrokerStatus['clients'] {
      const row = (
        id: string,
        rec: { name: string; approval: ClientApproval; firstSeen: string; lastSeen: string },
      ) => {
        const info = live.get(id);
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
      };
      const editors = Object.entries(file.editors).map(([id, rec]) => row(id, rec));
      const current = [...sessions.entries()].map(([id, s]) => row(id, s));
      return [...editors.sort((a, b) => a.id.localeCompare(b.id)), ...current];
    },
    /** Union of the scopes the connected clients' tool catalogs need. */
    neededScopes(): string[] {
      const all = new Set<string>();
      for (const info of live.values()) if (info.connected > 0) for (const s of info.neededScopes) all.add(s);
      return [...all].sort();
    },
    isToolAlwaysAllowed(tool: string): boolean {
      return file.alwaysAllowedTools.includes(tool);
    },
    rememberToolAllowed(tool: string): void {
      if (file.alwaysAllowedTools.includes(tool)) return;
      file.alwaysAllowedTools.push(tool);
      persist();
    },
    /** Waits for pending writes (tests, shutdown). */
    flush(): Promise<void> {
      return serial(() => Promise.resolve());
    },
  };
}
