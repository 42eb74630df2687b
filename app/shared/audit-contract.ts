/**
 * The audit trail's one record shape: written to audit.jsonl by the broker (app/broker/audit), read back
 * by the CLI over the admin channel and by the status window (window-contract.ts) — all three parse
 * with this schema.
 */
import { z } from 'zod';

/**
 * One audit trail entry as stored in audit.jsonl and shown by the CLI and the status window (the one
 * definition all three parse with). Never bodies or tokens: the path is a template.
 */
export const auditEntrySchema = z.object({
  time: z.string().max(40),
  client: z.string().max(100),
  tool: z.string().max(100),
  method: z.string().max(10),
  pathTemplate: z.string().max(500),
  status: z.number().int(),
  durationMs: z.number(),
  requestId: z.string().max(100).optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
