/**
 * Broker <-> bridge contract, protocol v1.
 *
 * The ONLY module in `app/` that `bridge/` may import. Everything that crosses the local IPC
 * channel is defined here as a zod schema; TypeScript types are inferred from the schemas.
 * Both sides parse every frame they receive with these schemas.
 *
 * Wire format: newline-delimited JSON-RPC 2.0 over a Unix domain socket (Windows: named pipe).
 * The first request on a connection must be `hello`, which proves possession of the broker key;
 * nothing else is served before it succeeds. Before hello a frame is at most MAX_PRE_HELLO_FRAME_BYTES
 * and hello must arrive within HELLO_DEADLINE_MS; after it, frames are at most MAX_FRAME_BYTES.
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
 *    are JSON-RPC `error` objects (see RPC_ERROR) and may close the connection;
 *  - everything else is a normal JSON-RPC `result` shaped `{ok:false, error:{code, message, ...}}`
 *    with a stable `code` from BROKER_ERROR_CODES and a message that tells the user what to do.
 */
import { z } from 'zod';
import { normaliseClientName } from './text/terminal-safe.ts';

export const PROTOCOL_VERSION = 1;
/** Largest frame (one JSON line, excluding the newline) either side accepts once hello succeeded. */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Largest frame the broker reads before hello succeeded (hello is small: the catalog comes after it). */
export const MAX_PRE_HELLO_FRAME_BYTES = 8 * 1024;
/** A connection that has not said hello within this is closed. */
export const HELLO_DEADLINE_MS = 5_000;
/** Connections awaiting hello per socket; one more closes the oldest of them. */
export const MAX_UNAUTHENTICATED_CONNECTIONS = 64;
/** Requests a single connection may have in flight before the broker refuses more. */
export const MAX_IN_FLIGHT_PER_CONNECTION = 32;

// ---------------------------------------------------------------------------------------------
// Tool groups and the least-privilege Graph scopes each needs.
// Shared here because the broker (consent model, status) and the bridge (tool catalog) both need
// them and the bridge may import nothing else from app/.

export const TOOL_GROUPS = [
  'profile',
  'mail',
  'calendar',
  'files',
  'teams',
  'tasks',
  'contacts',
  'search',
  'notes',
  'planner',
  'sites',
  'graph',
  'api',
] as const;
export const toolGroupSchema = z.enum(TOOL_GROUPS);
export type ToolGroup = z.infer<typeof toolGroupSchema>;

export interface GroupScopes {
  /** Scopes every read tool of the group needs. */
  readonly read: readonly string[];
  /** Extra scopes the group's write tools need (not requested in read-only mode). */
  readonly write: readonly string[];
  /** One line for the consent screen. */
  readonly description: string;
  /**
   * Scopes of `read`/`write` that only a tenant administrator can grant (Entra: "Admin consent
   * required"). They are never part of a sign-in or a group's Grant — asking for them would put an
   * ordinary user in front of "Need admin approval" and block everything else — and are requested
   * only by the tools that need them, which then point at the admin-consent link.
   */
  readonly adminConsent?: readonly string[];
  /**
   * Scopes only some calls of the group's tools need (a shared mailbox, a SharePoint site, another
   * person's presence): never asked for at sign-in or by the group's Grant — least privilege for
   * everyone who never makes such a call. A call that needs one gets CONSENT_REQUIRED naming it, and
   * the status window offers its Grant. Write ones are not issued in read-only mode.
   */
  readonly onDemand?: { readonly read: readonly string[]; readonly write: readonly string[] };
}

export const GROUP_SCOPES: Readonly<Record<ToolGroup, GroupScopes>> = {
  profile: {
    read: ['User.Read', 'User.ReadBasic.All', 'People.Read'],
    write: [],
    description: 'Your profile, people you work with, managers, presence and the directory',
    // Presence: your own (get_presence without users), other people's.
    onDemand: { read: ['Presence.Read', 'Presence.Read.All'], write: [] },
  },
  mail: {
    read: ['Mail.Read'],
    write: ['Mail.ReadWrite', 'Mail.Send'],
    description: 'Read, draft and send mail',
    // A mailbox shared with the user (the `mailbox` parameter of the mail tools); inbox rules.
    onDemand: {
      read: ['Mail.Read.Shared', 'MailboxSettings.Read'],
      write: ['Mail.ReadWrite.Shared', 'Mail.Send.Shared'],
    },
  },
  calendar: {
    read: ['Calendars.Read'],
    write: ['Calendars.ReadWrite'],
    description: 'Read calendars and events; create, change and cancel events; respond to invitations',
    // Another person's calendar read from their mailbox (the `calendar` parameter given an email).
    onDemand: { read: ['Calendars.Read.Shared'], write: [] },
  },
  files: {
    read: ['Files.Read'],
    write: ['Files.ReadWrite'],
    description: 'OneDrive and SharePoint files, Excel workbooks',
    // A SharePoint document library (the file tools' `drive` parameter): Files.Read covers only your own OneDrive.
    onDemand: { read: ['Files.Read.All'], write: ['Files.ReadWrite.All'] },
  },
  teams: {
    read: ['Chat.Read', 'Team.ReadBasic.All', 'Channel.ReadBasic.All', 'ChannelMessage.Read.All'],
    // User.ReadBasic.All: who a new chat is with (the approval names them, and members are bound by id).
    write: ['ChatMessage.Send', 'ChannelMessage.Send', 'Chat.Create', 'User.ReadBasic.All'],
    description: 'Teams chats, channels and channel messages',
    adminConsent: ['ChannelMessage.Read.All'],
  },
  tasks: { read: ['Tasks.Read'], write: ['Tasks.ReadWrite'], description: 'Microsoft To Do lists and tasks' },
  contacts: { read: ['Contacts.Read'], write: ['Contacts.ReadWrite'], description: 'Your Outlook contacts' },
  search: {
    read: ['Mail.Read', 'Calendars.Read'],
    write: [],
    description: 'Microsoft Search across mail, events, files, sites and list items',
    // Searching files (driveItem) and SharePoint (site, listItem) reads everything the user can reach.
    onDemand: { read: ['Files.Read.All', 'Sites.Read.All'], write: [] },
  },
  // Notes.Create: create pages (and read notebook/section names), not edit or delete existing notes.
  notes: { read: ['Notes.Read'], write: ['Notes.Create'], description: 'OneNote notebooks, sections and pages' },
  // Plans of the user's groups need no Group.Read.All: Tasks.Read/Tasks.ReadWrite cover them (and To Do).
  planner: { read: ['Tasks.Read'], write: ['Tasks.ReadWrite'], description: 'Microsoft Planner plans and tasks' },
  sites: { read: ['Sites.Read.All'], write: ['Sites.ReadWrite.All'], description: 'SharePoint sites and lists' },
  graph: {
    read: ['User.Read'],
    write: [],
    description: 'Generic Microsoft Graph requests (uses whatever you have granted)',
  },
  api: { read: [], write: [], description: 'Your own Entra-protected API (configured in settings)' },
};

/**
 * Scopes a group's tools may use in the given mode: its read and write scopes, those only an admin can
 * grant, and its on-demand ones.
 */
export function scopesForGroup(group: ToolGroup, readOnly: boolean): string[] {
  const g = GROUP_SCOPES[group];
  const onDemand = g.onDemand ?? { read: [], write: [] };
  return readOnly ? [...g.read, ...onDemand.read] : [...g.read, ...g.write, ...onDemand.read, ...onDemand.write];
}

/** Write scopes of a group: its `write` list and its on-demand write scopes. */
export function writeScopesOf(group: ToolGroup): string[] {
  const g = GROUP_SCOPES[group];
  return [...g.write, ...(g.onDemand?.write ?? [])];
}

/** Whether a scope is one some group asks for only when a call needs it (see GroupScopes.onDemand). */
export function isOnDemand(scope: string): boolean {
  const s = scope.toLowerCase();
  return TOOL_GROUPS.some((g) => {
    const d = GROUP_SCOPES[g].onDemand;
    return d !== undefined && [...d.read, ...d.write].some((x) => x.toLowerCase() === s);
  });
}

/** Whether only a tenant administrator can grant this scope (see GroupScopes.adminConsent). */
export function needsAdminConsent(scope: string): boolean {
  const s = scope.toLowerCase();
  return TOOL_GROUPS.some((g) => GROUP_SCOPES[g].adminConsent?.some((a) => a.toLowerCase() === s) === true);
}

/**
 * What signing in or a group's Grant asks for: the group's scopes a user can consent to themselves,
 * without its on-demand ones.
 */
export function userConsentableScopes(group: ToolGroup, readOnly: boolean): string[] {
  return scopesForGroup(group, readOnly).filter((s) => !needsAdminConsent(s) && !isOnDemand(s));
}

// ---------------------------------------------------------------------------------------------
// Error codes

export const BROKER_ERROR_CODES = [
  'NOT_SIGNED_IN',
  'CONSENT_REQUIRED',
  'INTERACTION_REQUIRED',
  'CLIENT_NOT_APPROVED',
  'APPROVAL_DENIED',
  'PAUSED',
  'KEYCHAIN_UNAVAILABLE',
  'PROTOCOL_MISMATCH',
  'BAD_REQUEST',
  /** The broker's settings are read-only: no write approvals, no write scopes. */
  'READ_ONLY',
  /** The tool's group (or the scope's group) is turned off in the broker's settings. */
  'GROUP_DISABLED',
  /** Entra ID could not be reached or answered 5xx/429; retrying later may help. */
  'ENTRA_UNAVAILABLE',
  /** Bug or unexpected state inside the broker; the message says where to look (log path). */
  'INTERNAL',
] as const;
export const brokerErrorCodeSchema = z.enum(BROKER_ERROR_CODES);
export type BrokerErrorCode = z.infer<typeof brokerErrorCodeSchema>;

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

/** A typed result: the domain error channel. */
export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: brokerErrorSchema }),
  ]);
}
export type Result<T> = { ok: true; value: T } | { ok: false; error: BrokerError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}
export function fail<T = never>(
  code: BrokerErrorCode,
  message: string,
  extra?: Pick<BrokerError, 'missingScopes' | 'adminConsentRequired'>,
): Result<T> {
  return { ok: false, error: { code, message, ...extra } };
}

// ---------------------------------------------------------------------------------------------
// JSON-RPC framing

/** JSON-RPC protocol error codes (the protocol channel). */
export const RPC_ERROR = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  /** A request other than hello before hello succeeded, or a bad key. The connection is closed. */
  UNAUTHENTICATED: -32001,
  /** Too many requests in flight on this connection. */
  BUSY: -32002,
} as const;

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
 * (app/broker/text/terminal-safe.ts). Refusing instead would only tell the user "Unauthenticated".
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

// ---------------------------------------------------------------------------------------------
// Where the broker listens. Pure: callers pass the OS facts in (app/platform for the broker, the
// bridge's entry point for the bridge), so both sides agree on the same path.

export interface EndpointInput {
  /** `process.platform` of the caller (a string so the DOM-only window can type-check this module). */
  platform: string;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
  /** OS user name (Windows pipe name is derived from it). */
  username: string;
}

export interface BrokerEndpoint {
  /** Private 0700 directory holding the socket (POSIX) and the key file. */
  dir: string;
  /** Socket path (POSIX) or pipe name (Windows) */
  path: string;
  /** 0600 file with the hex key. */
  keyPath: string;
}

/** Join without importing node:path (keeps this module platform-neutral). */
function join(sep: '/' | '\\', ...parts: string[]): string {
  return parts.map((p, i) => (i === 0 ? p.replace(/[\\/]+$/, '') : p.replace(/^[\\/]+|[\\/]+$/g, ''))).join(sep);
}

/** FNV-1a 32-bit, hex; only to make a stable, non-identifying pipe suffix from the user name. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export function resolveBrokerEndpoint(input: EndpointInput): BrokerEndpoint {
  const { platform, env, homedir, username } = input;
  const home = env.GRAPH_BRIDGE_HOME;
  if (platform === 'win32') {
    const base = home ?? join('\\', env.LOCALAPPDATA ?? join('\\', homedir, 'AppData', 'Local'), 'Graph Bridge');
    const dir = join('\\', base, 'run');
    const suffix = home === undefined ? fnv1a(username.toLowerCase()) : fnv1a(`${username.toLowerCase()}|${home}`);
    return { dir, path: `\\\\.\\pipe\\graph-bridge-${suffix}`, keyPath: join('\\', dir, 'broker.key') };
  }
  let dir: string;
  if (home !== undefined) dir = join('/', home, 'run');
  else if (platform === 'darwin') dir = join('/', homedir, 'Library', 'Application Support', 'Graph Bridge', 'run');
  else if (env.XDG_RUNTIME_DIR) dir = join('/', env.XDG_RUNTIME_DIR, 'graph-bridge');
  else dir = join('/', env.XDG_STATE_HOME ?? join('/', homedir, '.local', 'state'), 'graph-bridge', 'run');
  return { dir, path: join('/', dir, 'broker.sock'), keyPath: join('/', dir, 'broker.key') };
}

/** Environment variables the bridge reads (set in the editor's MCP entry by `graph-bridge connect`). */
export const BRIDGE_ENV = {
  /** Comma-separated tool groups. */
  tools: 'GRAPH_BRIDGE_TOOLS',
  /** "1" for read-only. */
  readOnly: 'GRAPH_BRIDGE_READ_ONLY',
  /** Config/state root override (tests, portable installs). */
  home: 'GRAPH_BRIDGE_HOME',
  /** Command line that starts Graph Bridge (the tray) when the broker is absent, as a JSON array. */
  launch: 'GRAPH_BRIDGE_LAUNCH',
  /** Directory where read_file saves large/binary downloads. */
  downloadDir: 'GRAPH_BRIDGE_DOWNLOAD_DIR',
  /** This editor's credential (64 hex chars), sent in hello; the broker keeps only its hash. */
  editorKey: 'GRAPH_BRIDGE_EDITOR_KEY',
} as const;

// ---------------------------------------------------------------------------------------------
// Redaction: the one helper every log line (broker and bridge) goes through before it is written.

const REDACTIONS: readonly [RegExp, string][] = [
  // JWTs (access tokens, id tokens): header.payload.signature
  [/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[REDACTED_JWT]'],
  // Authorization headers
  [/\b(Bearer|Basic|PoP)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [REDACTED]'],
  // key=value / "key": "value" forms of secret fields
  [
    /(["']?\b(?:access_?token|refresh_?token|id_?token|client_?secret|code_?verifier|code|password|key|secret|assertion|device_?code)\b["']?\s*[:=]\s*["']?)([^"'&\s,}]{6,})/gi,
    '$1[REDACTED]',
  ],
  // Long hex strings (the broker key and similar)
  [/\b[0-9a-f]{48,}\b/gi, '[REDACTED_HEX]'],
];

/** Removes token-shaped strings and secret fields from a log line. Extra known secrets are masked too. */
export function redactSecrets(text: string, knownSecrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 8) out = out.split(secret).join('[REDACTED]');
  }
  for (const [re, replacement] of REDACTIONS) out = out.replace(re, replacement);
  return out;
}
