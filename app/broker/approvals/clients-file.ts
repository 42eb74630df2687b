/**
 * clients.json, the client registry's file in the state dir (0600, atomic writes, no secrets):
 *   { "version": 2,
 *     "editors": { "<editor id>": { "approval": "approved"|"pending"|"denied", "keyHash": "<sha256 of the
 *                  credential it was given to>", "name": "<last clientInfo.name>", "firstSeen": ISO, "lastSeen": ISO } },
 *     "alwaysAllowedTools": ["<tool>", …] }   // write tools the user chose "always allow" for
 * A version 1 file (approvals by name) keeps only its alwaysAllowedTools: approvals by name are void.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { clientApprovalSchema } from '../../shared/bridge-contract.ts';
import type { Logger } from '../log/logger.ts';

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
export type ClientsFile = z.infer<typeof clientsFileSchema>;
export type EditorRecord = z.infer<typeof editorRecordSchema>;

export const emptyClientsFile = (): ClientsFile => ({ version: 2, editors: {}, alwaysAllowedTools: [] });

/**
 * Reads clients.json; null when there is nothing to take from it (a missing file, or a corrupt one, which
 * is reported). A version 1 file keeps only its always-allowed tools.
 */
export async function readClientsFile(filePath: string, logger: Logger): Promise<ClientsFile | null> {
  const text = await readFile(filePath, 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const json: unknown = JSON.parse(text);
    const legacy = legacyFileSchema.safeParse(json);
    if (!legacy.success) return clientsFileSchema.parse(json);
    logger.info(
      `${filePath}: approvals by editor name are no longer honoured; each editor asks once more (connect it with graph-bridge connect so its approval is remembered)`,
    );
    return { ...emptyClientsFile(), alwaysAllowedTools: legacy.data.alwaysAllowedTools };
  } catch (e) {
    logger.warn(
      `Ignoring unreadable ${filePath} (all clients will ask for approval again); delete it to silence this`,
      { error: e },
    );
    return null;
  }
}
