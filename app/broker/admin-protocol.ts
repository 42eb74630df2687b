/**
 * Admin protocol v1: how the `graph-bridge` CLI controls a RUNNING broker (agent or tray).
 *
 * A separate socket (`admin.sock`, Windows: `<pipe>-admin`) and a separate key (`admin.key`, 0600) in
 * the same private dir. Bridges only ever get broker.key and the bridge protocol, which has no method
 * to approve clients, decide writes or grant consent — so a bridge cannot approve itself over the
 * channel it was given. Same framing and Result shapes as protocol v1.
 */
import { z } from 'zod';
import { accountSummarySchema, statusSchema, toolGroupSchema } from './protocol.ts';

export const ADMIN_PROTOCOL_VERSION = 1;

export const adminHelloParamsSchema = z.object({
  protocolVersion: z.number().int().positive(),
  key: z.string().regex(/^[0-9a-f]{64}$/),
});
export const adminHelloResultSchema = z.object({ protocolVersion: z.number().int(), brokerVersion: z.string() });

export const adminStatusSchema = z.object({
  status: statusSchema,
  /** Scopes the connected bridges' tool catalogs need. */
  neededScopes: z.array(z.string()),
  logPath: z.string().nullable(),
  auditPath: z.string(),
  /** 'agent' or 'tray'. */
  host: z.string(),
  interactiveApprovals: z.boolean(),
});
export type AdminStatus = z.infer<typeof adminStatusSchema>;

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

/** Server -> CLI notification while `login` with deviceCode runs. */
export const DEVICE_CODE_NOTIFICATION = 'login.deviceCode';
export const deviceCodeNotificationSchema = z.object({
  userCode: z.string(),
  verificationUri: z.string(),
  expiresOn: z.string(),
  message: z.string(),
});

/**
 * Server -> CLI notification while a browser `login` or `consent.grant` runs: first the sign-in URL
 * (`url`, so the user can open it by hand), then `browser-failed` if the broker could not open a browser.
 */
export const SIGN_IN_BROWSER_NOTIFICATION = 'login.browser';
export const signInBrowserNotificationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('url'), url: z.string().max(16_384) }),
  z.object({ kind: z.literal('browser-failed'), url: z.string().max(16_384), reason: z.string().max(1000) }),
]);

export const ADMIN_METHODS = {
  hello: { params: adminHelloParamsSchema, result: adminHelloResultSchema },
  status: { params: z.object({}).optional(), result: adminStatusSchema },
  'clients.decide': {
    params: z.object({ name: z.string().min(1).max(100), decision: z.enum(['approve', 'deny', 'revoke']) }),
    result: z.object({}),
  },
  'approvals.decide': {
    params: z.object({ id: z.string().min(1).max(100), decision: z.enum(['allow-once', 'allow-always', 'deny']) }),
    result: z.object({}),
  },
  'consent.grant': {
    params: z.union([
      z.object({ group: toolGroupSchema, deviceCode: z.boolean().optional() }).strict(),
      z
        .object({ scopes: z.array(z.string().min(1).max(300)).min(1).max(50), deviceCode: z.boolean().optional() })
        .strict(),
    ]),
    result: z.array(z.string()),
  },
  login: {
    params: z.object({ deviceCode: z.boolean(), loginHint: z.string().max(300).optional() }),
    result: accountSummarySchema,
  },
  logout: { params: z.object({ account: z.string().max(300).optional() }), result: z.object({}) },
  use: { params: z.object({ account: z.string().min(1).max(300) }), result: accountSummarySchema },
  pause: { params: z.object({ paused: z.boolean() }), result: z.object({}) },
  'audit.query': {
    params: z.object({
      client: z.string().max(100).optional(),
      tool: z.string().max(100).optional(),
      limit: z.number().int().positive().max(100_000).optional(),
    }),
    result: z.array(auditEntrySchema),
  },
} as const;
export type AdminMethodName = keyof typeof ADMIN_METHODS;
export type AdminParams<M extends AdminMethodName> = z.infer<(typeof ADMIN_METHODS)[M]['params']>;
export type AdminValue<M extends AdminMethodName> = z.infer<(typeof ADMIN_METHODS)[M]['result']>;

export const ADMIN_SOCKET_NAME = 'admin.sock';
export const ADMIN_KEY_NAME = 'admin.key';
