/**
 * Broker <-> bridge contract, protocol v1: the zod schemas of everything that crosses the local IPC
 * channel; TypeScript types are inferred from them. Both sides parse every frame they receive with
 * these schemas. The zod-free parts live beside it (constants.ts, tool-groups.ts, endpoint.ts,
 * result.ts) so the bridge's fast start can use them without loading zod.
 *
 * Wire format: newline-delimited JSON-RPC 2.0 (framing.ts, rpc-client.ts) over a Unix domain socket
 * (Windows: named pipe). The first request on a connection must be `hello`, which proves possession
 * of the broker key; nothing else is served before it succeeds. Before hello a frame is at most
 * MAX_PRE_HELLO_FRAME_BYTES and hello must arrive within HELLO_DEADLINE_MS; after it, frames are at
 * most MAX_FRAME_BYTES.
 *
 * Session contract (what a bridge learns, and when):
 *  - `hello` answers only the client's approval state. Approved: the account and the broker settings
 *    the bridge needs (Graph base URL, tool groups, read-only, API, approval window). Pending/denied:
 *    only that, plus what the user must do — never the account, other clients or settings.
 *  - `tools.declare` (after hello) sends the bridge's tool catalog: the broker maps tool -> group
 *    from it and shows the scopes it needs. `session.get` re-reads the hello answer (a pending bridge
 *    learns it was approved without reconnecting).
 *  - The broker's settings are authoritative: it refuses approval requests when read-only or paused
 *    or when the tool's group is disabled, and tokens for scopes no enabled group may use.
 *
 * Two error channels:
 *  - protocol errors (malformed JSON, unknown method, params that fail the schema, no hello yet)
 *    are JSON-RPC `error` objects (RPC_ERROR in constants.ts) and may close the connection;
 *  - everything else is a normal JSON-RPC `result` shaped `{ok:false, error:{code, message, ...}}`
 *    with a stable `code` from BROKER_ERROR_CODES and a message that tells the user what to do.
 */
import { z } from 'zod';
import { BROKER_ERROR_CODES } from './constants.ts';
import { normaliseClientName } from './terminal-safe.ts';
import { TOOL_GROUPS } from './tool-groups.ts';

export const toolGroupSchema = z.enum(TOOL_GROUPS);

// ---------------------------------------------------------------------------------------------
// Error codes

export const brokerErrorCodeSchema = z.enum(BROKER_ERROR_CODES);

export const brokerErrorSchema = z.object({
  code: brokerErrorCodeSchema,
  /** User-facing: what happened and how to fix it. Never contains a token. */
  message: z.string().max(4000),
  /** CONSENT_REQUIRED: the scopes the user has not granted yet. */
  missingScopes: z.array(z.string().max(200)).max(100).optional(),
  /** CONSENT_REQUIRED: true when only a tenant admin can grant them. */
  adminConsentRequired: z.boolean().optional(),
});
export type BrokerError = z.infer<typeof brokerErrorSchema>;

/**
 * A typed result on the wire (result.ts `Result`): `{ok:true, value}` or `{ok:false, error}` with the
 * broker's error, or the error schema given (the admin channel's, the window's).
 */
export function resultSchema<T extends z.ZodType, E extends z.ZodType = typeof brokerErrorSchema>(value: T, error?: E) {
  const errorSchema = (error ?? brokerErrorSchema) as E;
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: errorSchema }),
  ]);
}

// ---------------------------------------------------------------------------------------------
// JSON-RPC messages (framing.ts splits the stream into them)

export const rpcIdSchema = z.union([z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().max(64)]);
export type RpcId = z.infer<typeof rpcIdSchema>;

export const rpcRequestSchema = z
  .object({
    jsonrpc: z.literal('2.0'),
    id: rpcIdSchema,
    method: z.string().min(1).max(64),
    params: z.unknown().optional(),
  })
  .strict();
export type RpcRequest = z.infer<typeof rpcRequestSchema>;

export const rpcErrorObjectSchema = z.object({
  code: z.number().int(),
  message: z.string().max(4000),
});

export const rpcResponseSchema = z.union([
  z.object({ jsonrpc: z.literal('2.0'), id: rpcIdSchema, result: z.unknown() }).strict(),
  z.object({ jsonrpc: z.literal('2.0'), id: rpcIdSchema.nullable(), error: rpcErrorObjectSchema }).strict(),
]);
export type RpcResponse = z.infer<typeof rpcResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Shared shapes

export const accountSummarySchema = z.object({
  /** MSAL homeAccountId (`<oid>.<tid>`); stable id used by `graph-bridge use`. */
  homeAccountId: z.string().max(300),
  username: z.string().max(300),
  name: z.string().max(300).optional(),
  tenantId: z.string().max(100),
  /** Authority host the account belongs to, e.g. `login.microsoftonline.com`. */
  environment: z.string().max(300),
});
export type AccountSummary = z.infer<typeof accountSummarySchema>;

const scopeSchema = z.string().min(1).max(300);
const toolNameSchema = z.string().min(1).max(100);

export const toolCatalogEntrySchema = z.object({
  name: toolNameSchema,
  group: toolGroupSchema,
  scopes: z.array(scopeSchema).max(20),
  readOnly: z.boolean(),
});
export type ToolCatalogEntry = z.infer<typeof toolCatalogEntrySchema>;

export const clientApprovalSchema = z.enum(['approved', 'pending', 'denied']);
export type ClientApproval = z.infer<typeof clientApprovalSchema>;

/**
 * An editor's name (MCP initialize.clientInfo.name, e.g. "claude-ai", "cursor-vscode"), as the broker
 * keeps, lists and approves it. Normalised, never refused: control, bidi and invisible characters
 * become visible escapes ("evil\x0aINFO…") and the name is cut to 100 code points, so a name can forge
 * no log or `clients list` line and the user approves exactly what they were shown
 * (app/shared/terminal-safe.ts). Refusing instead would only tell the user "Unauthenticated".
 */
export const clientNameSchema = z.string().min(1).transform(normaliseClientName);

// ---------------------------------------------------------------------------------------------
// Methods

export const helloParamsSchema = z.object({
  protocolVersion: z.number().int().positive(),
  /** The broker key (hex, 64 chars) read from broker.key in the private dir. Compared in constant time. */
  key: z.string().regex(/^[0-9a-f]{64}$/),
  client: z.object({
    name: clientNameSchema,
    version: z.string().max(100),
    pid: z.number().int().positive(),
  }),
  /**
   * The editor's credential (GRAPH_BRIDGE_EDITOR_KEY, minted by `graph-bridge connect` into that editor's
   * entry). It binds the client to the editor's remembered approval; without it (or with an unknown one)
   * the client is a new pending client whatever its name.
   */
  editorKey: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
export type HelloParams = z.infer<typeof helloParamsSchema>;

/** The broker settings an approved bridge works with (and lists its tools from). */
export const sessionSettingsSchema = z.object({
  /** Microsoft Graph base URL for the configured cloud, e.g. `https://graph.microsoft.com/`. */
  graphBaseUrl: z.url(),
  /** Enabled tool groups; a bridge's --tools can only narrow them. */
  toolGroups: z.array(toolGroupSchema),
  /** Read-only mode; a bridge's --read-only can only add to it. */
  readOnly: z.boolean(),
  /** The user-configured API for `api_request`, when set. */
  api: z.object({ baseUrl: z.url(), scope: scopeSchema }).nullable(),
  /**
   * Local files upload tools may read: the folders the user allowed (settings `uploadFolders`, else the
   * platform's Downloads/Documents/Desktop) and Graph Bridge's own folders, never read even inside
   * those. Absent (an older broker): the bridge uploads no local file.
   */
  uploads: z
    .object({
      allowedFolders: z.array(z.string().min(1).max(4096)).max(50),
      protectedFolders: z.array(z.string().min(1).max(4096)).max(20),
    })
    .optional(),
  /** How long an `approval.request` may wait for the user (the bridge's deadline builds on it). */
  approvalTimeoutSeconds: z.number().int().positive().max(86_400),
});
export type SessionSettings = z.infer<typeof sessionSettingsSchema>;

const helloBase = {
  protocolVersion: z.number().int().positive(),
  brokerVersion: z.string().max(100),
};

/**
 * The answer to `hello` and `session.get`, discriminated on `approval`. A pending or denied client
 * gets only its state and what the user must do (`.strict()`: a bridge refuses an answer that says
 * more); an approved one also gets the account and the settings it needs.
 */
export const helloResultSchema = z.discriminatedUnion('approval', [
  z.object({
    ...helloBase,
    approval: z.literal('approved'),
    account: accountSummarySchema.nullable(),
    ...sessionSettingsSchema.shape,
  }),
  z.object({ ...helloBase, approval: z.literal('pending'), message: z.string().max(1000) }).strict(),
  z.object({ ...helloBase, approval: z.literal('denied'), message: z.string().max(1000) }).strict(),
]);
export type HelloResult = z.infer<typeof helloResultSchema>;
export type ApprovedHello = Extract<HelloResult, { approval: 'approved' }>;

/** `tools.declare`: the bridge's tool catalog, sent once after hello (it is too big for hello's frame cap). */
export const toolsDeclareParamsSchema = z.object({ tools: z.array(toolCatalogEntrySchema).max(200) });
export type ToolsDeclareParams = z.infer<typeof toolsDeclareParamsSchema>;

export const tokenGetParamsSchema = z.object({
  scopes: z.array(scopeSchema).min(1).max(50),
  tool: toolNameSchema.optional(),
  /** The token must stay valid at least this long (default 300 s). */
  minValiditySeconds: z.number().int().min(0).max(3600).optional(),
  /** Skip every cache (after a 401 from Graph). */
  forceRefresh: z.boolean().optional(),
  /** A claims challenge from a Graph 401 (`WWW-Authenticate … claims=`), base64-decoded JSON. */
  claims: z.string().max(8000).optional(),
});
export type TokenGetParams = z.infer<typeof tokenGetParamsSchema>;

export const tokenGetResultSchema = z.object({
  accessToken: z.string().min(1).max(20000),
  /** ISO 8601. */
  expiresOn: z.iso.datetime(),
  grantedScopes: z.array(scopeSchema),
  account: accountSummarySchema,
});
export type TokenGetResult = z.infer<typeof tokenGetResultSchema>;

export const approvalRequestParamsSchema = z.object({
  tool: toolNameSchema,
  /** One human line: "Send mail to ada@contoso.com: 'Q3 plan'". */
  summary: z.string().min(1).max(1000),
  /** Labelled details shown under the summary (recipients, subject, target path, method). */
  details: z.record(z.string().max(100), z.string().max(2000)).optional(),
});
export type ApprovalRequestParams = z.infer<typeof approvalRequestParamsSchema>;

export const approvalRequestResultSchema = z.object({
  approved: z.boolean(),
  /** True when the user chose "always for this tool". */
  remember: z.boolean().optional(),
  /** Why it was not approved (denied by user, policy, timeout, headless). */
  reason: z.string().max(1000).optional(),
});
export type ApprovalRequestResult = z.infer<typeof approvalRequestResultSchema>;

export const auditRecordParamsSchema = z.object({
  tool: toolNameSchema,
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  /** Path with ids replaced by placeholders: `/me/messages/{id}`. Never a query string or body. */
  pathTemplate: z.string().max(500),
  status: z.number().int().min(0).max(999),
  durationMs: z.number().min(0).max(3_600_000),
  requestId: z.string().max(100).optional(),
});
export type AuditRecordParams = z.infer<typeof auditRecordParamsSchema>;

export const cacheBackendSchema = z.enum(['keychain', 'memory', 'plaintext']);
export type CacheBackend = z.infer<typeof cacheBackendSchema>;

export const statusSchema = z.object({
  brokerVersion: z.string(),
  /** Socket path or pipe name bridges connect to. */
  endpoint: z.string(),
  paused: z.boolean(),
  account: accountSummarySchema.nullable(),
  /**
   * Present while the active account must sign in again (its refresh failed: revoked or expired
   * session, MFA required). `reason` says what happened and what to do.
   */
  signInNeeded: z.object({ reason: z.string(), since: z.iso.datetime() }).optional(),
  accounts: z.array(accountSummarySchema),
  cache: z.object({
    backend: cacheBackendSchema,
    /** Why this backend (e.g. "Secret Service not available: …"); shown as a warning unless keychain. */
    detail: z.string(),
  }),
  token: z.object({
    /** Expiry of the newest access token the broker holds for the active account (ISO), if any. */
    expiresOn: z.iso.datetime().nullable(),
    lastRefresh: z.iso.datetime().nullable(),
  }),
  grantedScopes: z.array(z.string()),
  consent: z.array(
    z.object({
      group: toolGroupSchema,
      enabled: z.boolean(),
      scopes: z.array(
        z.object({
          scope: z.string(),
          granted: z.boolean(),
          write: z.boolean(),
          /** Only a tenant administrator can grant it (not part of the group's Grant). */
          adminConsent: z.boolean().optional(),
          /** Asked for only when a call needs it (not part of sign-in or the group's Grant). */
          onDemand: z.boolean().optional(),
        }),
      ),
    }),
  ),
  clients: z.array(
    z.object({
      /**
       * What decides it (`clients.decide`, the window's buttons): the editor id a credential was minted for
       * (`cursor`), or `session-<n>` for a client without one (one live connection, never remembered).
       */
      id: z.string(),
      name: z.string(),
      /** True for an editor identified by its credential (the approval is remembered). */
      remembered: z.boolean(),
      approval: clientApprovalSchema,
      firstSeen: z.iso.datetime(),
      lastSeen: z.iso.datetime(),
      calls: z.number().int().nonnegative(),
      connected: z.number().int().nonnegative(),
    }),
  ),
  pendingApprovals: z.array(
    z.object({
      id: z.string(),
      client: z.string(),
      tool: z.string(),
      summary: z.string(),
      details: z.record(z.string(), z.string()),
      requestedAt: z.iso.datetime(),
      expiresAt: z.iso.datetime(),
    }),
  ),
  pendingConsent: z.array(
    z.object({
      id: z.string(),
      scopes: z.array(z.string()),
      requestedBy: z.string(),
      requestedAt: z.iso.datetime(),
    }),
  ),
});
export type BrokerStatus = z.infer<typeof statusSchema>;

/**
 * `status.get` as a bridge sees it (approved clients only): its own view — the account, cache
 * backend, token expiry, granted scopes vs the scopes its catalog needs, pause state. Never other
 * clients, other accounts or pending approvals (those are for the tray and the admin channel).
 */
export const bridgeStatusSchema = z
  .object({
    brokerVersion: z.string(),
    paused: z.boolean(),
    account: accountSummarySchema.nullable(),
    signInNeeded: z.object({ reason: z.string(), since: z.iso.datetime() }).optional(),
    cache: z.object({ backend: cacheBackendSchema, detail: z.string() }),
    token: z.object({ expiresOn: z.iso.datetime().nullable(), lastRefresh: z.iso.datetime().nullable() }),
    grantedScopes: z.array(z.string()),
    /** Scopes this bridge's declared catalog needs in the current mode. */
    neededScopes: z.array(z.string()),
  })
  .strict();
export type BridgeStatus = z.infer<typeof bridgeStatusSchema>;

/** Method name -> params and (ok) value schemas. Both sides dispatch and parse through this table. */
export const METHODS = {
  hello: { params: helloParamsSchema, result: helloResultSchema },
  'tools.declare': { params: toolsDeclareParamsSchema, result: z.object({}) },
  'session.get': { params: z.object({}).optional(), result: helloResultSchema },
  'token.get': { params: tokenGetParamsSchema, result: tokenGetResultSchema },
  'approval.request': { params: approvalRequestParamsSchema, result: approvalRequestResultSchema },
  'audit.record': { params: auditRecordParamsSchema, result: z.object({}) },
  'status.get': { params: z.object({}).optional(), result: bridgeStatusSchema },
} as const;
export type MethodName = keyof typeof METHODS;
export type MethodParams<M extends MethodName> = z.infer<(typeof METHODS)[M]['params']>;
export type MethodValue<M extends MethodName> = z.infer<(typeof METHODS)[M]['result']>;
