/**
 * Per-client approval: which editors (by MCP clientInfo.name) may use the user's identity.
 *
 * On-disk file `clients.json` in the state dir (0600, atomic writes, no secrets):
 *   { "version": 1,
 *     "clients": { "<name>": { "approval": "approved"|"pending"|"denied", "firstSeen": ISO, "lastSeen": ISO } },
 *     "alwaysAllowedTools": ["<tool>", …] }   // write tools the user chose "always allow" for
 * Call counts, live connections and the scopes each client's tool catalog needs are in memory only.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { clientApprovalSchema, fail, ok } from '../protocol.ts';
import type { BrokerStatus, ClientApproval, Result, ToolCatalogEntry } from '../protocol.ts';
import type { ClientDecision } from '../broker-api.ts';
import type { Logger } from '../log/logger.ts';
import { createSerialQueue, writeFileAtomic } from '../state/atomic-write.ts';

const clientsFileSchema = z.object({
  version: z.literal(1),
  clients: z.record(
    z.string().max(100),
    z.object({ approval: clientApprovalSchema, firstSeen: z.iso.datetime(), lastSeen: z.iso.datetime() }),
  ),
  alwaysAllowedTools: z.array(z.string().max(100)).default([]),
});
type ClientsFile = z.infer<typeof clientsFileSchema>;

export type ClientPolicy = 'ask' | 'allow';

export interface ClientRegistryOptions {
  filePath: string;
  now: () => Date;
  /** 'allow' approves unknown clients automatically (headless policy). */
  policy: () => ClientPolicy;
  logger: Logger;
  onChange: () => void;
}

interface LiveInfo {
  calls: number;
  connected: number;
  neededScopes: Set<string>;
}

export type ClientRegistry = ReturnType<typeof createClientRegistry>;

export function createClientRegistry(options: ClientRegistryOptions) {
  let file: ClientsFile = { version: 1, clients: {}, alwaysAllowedTools: [] };
  const live = new Map<string, LiveInfo>();
  const serial = createSerialQueue();
  const liveOf = (name: string): LiveInfo => {
    let info = live.get(name);
    if (info === undefined) {
      info = { calls: 0, connected: 0, neededScopes: new Set() };
      live.set(name, info);
    }
    return info;
  };
  const persist = (): void => {
    const text = `${JSON.stringify(file, null, 2)}\n`;
    serial(() => writeFileAtomic(options.filePath, text)).catch((e: unknown) =>
      options.logger.error(`Could not save ${options.filePath}`, { error: e }),
    );
  };

  return {
    /** Loads clients.json; a missing file is an empty registry, a corrupt one is reported and ignored. */
    async load(): Promise<void> {
      const text = await readFile(options.filePath, 'utf8').catch(() => null);
      if (text === null) return;
      try {
        file = clientsFileSchema.parse(JSON.parse(text));
      } catch (e) {
        options.logger.warn(
          `Ignoring unreadable ${options.filePath} (all clients will ask for approval again); delete it to silence this`,
          { error: e },
        );
      }
    },
    /** A hello: records the client and its catalog, returns its approval. */
    connected(name: string, tools: readonly ToolCatalogEntry[]): ClientApproval {
      const now = options.now().toISOString();
      const info = liveOf(name);
      info.connected++;
      for (const t of tools) for (const s of t.scopes) info.neededScopes.add(s);
      let rec = file.clients[name];
      if (rec === undefined) {
        const approval: ClientApproval = options.policy() === 'allow' ? 'approved' : 'pending';
        rec = { approval, firstSeen: now, lastSeen: now };
        file.clients[name] = rec;
        options.logger.info(`New client "${name}": ${approval}`);
      } else rec.lastSeen = now;
      persist();
      options.onChange();
      return rec.approval;
    },
    disconnected(name: string): void {
      const info = live.get(name);
      if (info !== undefined && info.connected > 0) info.connected--;
      options.onChange();
    },
    approval(name: string): ClientApproval {
      return file.clients[name]?.approval ?? 'pending';
    },
    recordCall(name: string): void {
      liveOf(name).calls++;
      const rec = file.clients[name];
      if (rec !== undefined) rec.lastSeen = options.now().toISOString();
      options.onChange();
    },
    decide(name: string, decision: ClientDecision): Result<void> {
      const rec = file.clients[name];
      if (rec === undefined && decision === 'revoke') {
        return fail('BAD_REQUEST', `No client named "${name}". Run "graph-bridge clients list" to see the names.`);
      }
      if (decision === 'revoke') delete file.clients[name];
      else {
        const now = options.now().toISOString();
        const approval: ClientApproval = decision === 'approve' ? 'approved' : 'denied';
        file.clients[name] = { approval, firstSeen: rec?.firstSeen ?? now, lastSeen: rec?.lastSeen ?? now };
      }
      options.logger.info(`Client "${name}": ${decision}`);
      persist();
      options.onChange();
      return ok(undefined);
    },
    list(): BrokerStatus['clients'] {
      const names = new Set([...Object.keys(file.clients), ...live.keys()]);
      return [...names].sort().map((name) => {
        const rec = file.clients[name];
        const info = live.get(name);
        const now = options.now().toISOString();
        return {
          name,
          approval: rec?.approval ?? 'pending',
          firstSeen: rec?.firstSeen ?? now,
          lastSeen: rec?.lastSeen ?? now,
          calls: info?.calls ?? 0,
          connected: info?.connected ?? 0,
        };
      });
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
