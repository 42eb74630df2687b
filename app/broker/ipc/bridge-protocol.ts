/**
 * Protocol v1 as the broker serves it to bridges: hello (key + client registration), tools.declare,
 * session.get, token.get, approval.request, audit.record, status.get. Params are parsed with the
 * METHODS schemas before a handler runs; handlers return Result values with a stable code and a
 * remedy in the message.
 *
 * What a session learns (protocol.ts "Session contract"): a pending or denied client gets its state
 * and what the user must do from hello/session.get, and CLIENT_NOT_APPROVED from everything else —
 * checked before pause or any setting, so not even those leak. The broker's settings are enforced
 * here (session-policy.ts), whatever a bridge's own flags say.
 */
import { METHODS } from '../../shared/bridge-contract.ts';
import { PROTOCOL_VERSION } from '../../shared/constants.ts';
import { fail, ok } from '../../shared/result.ts';
import { scopesForGroup } from '../../shared/tool-groups.ts';
import type {
  ApprovalRequestParams,
  AuditRecordParams,
  BridgeStatus,
  BrokerStatus,
  HelloParams,
  HelloResult,
  ToolCatalogEntry,
  TokenGetParams,
  TokenGetResult,
  ToolsDeclareParams,
} from '../../shared/bridge-contract.ts';
import type { Result } from '../../shared/result.ts';
import type { AuthService } from '../auth/auth-service.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { ClientRegistry } from '../approvals/client-registry.ts';
import type { WriteApprovals } from '../approvals/write-approvals.ts';
import type { BrokerConfig } from '../broker-config.ts';
import type { Logger, SecretRegistry } from '../log/logger.ts';
import type { RpcMethod, RpcPeer, RpcProtocol } from './rpc-connection.ts';
import { groupDisabled, refuseScopes, refuseWrite } from './session-policy.ts';

export interface BridgeSession {
  peerId: number;
  /** The client's label (MCP clientInfo.name), for the audit trail and prompts. */
  client: string;
  /** What its approval is looked up by: the editor its credential names, or its own session id. */
  clientId: string;
  pid: number;
  /** The catalog from tools.declare (tool name -> entry); null until declared. */
  tools: Map<string, ToolCatalogEntry> | null;
}

export interface BridgeProtocolDeps {
  version: string;
  auth: AuthService;
  clients: ClientRegistry;
  writes: WriteApprovals;
  audit: AuditLog;
  config: () => BrokerConfig;
  isPaused: () => boolean;
  status: () => BrokerStatus;
  secrets: SecretRegistry;
  logger: Logger;
  now: () => Date;
}

export interface BridgeProtocol extends RpcProtocol<BridgeSession> {
  /** Union of the scopes the connected sessions' declared catalogs need (for the tray and the CLI). */
  neededScopes(): string[];
}

export function clientNotApproved(name: string, approval: 'pending' | 'denied'): Result<never> {
  // Read by the model: it says what the USER does, never a command that grants access.
  return approval === 'pending'
    ? fail(
        'CLIENT_NOT_APPROVED',
        `"${name}" is waiting for your approval to use your Microsoft 365 account. Ask the user to allow it in the ` +
          `Graph Bridge window (tray icon), or in the terminal running the Graph Bridge agent, then try again.`,
      )
    : fail(
        'CLIENT_NOT_APPROVED',
        `"${name}" was denied access to your Microsoft 365 account. Only the user can change that, in the Graph ` +
          `Bridge window (tray icon) under Editors.`,
      );
}

const PAUSED_MESSAGE =
  'Graph Bridge access is paused by the user. Ask the user to resume it in the Graph Bridge window or tray menu.';

/** The user-facing text of clientNotApproved, for hello's pending/denied answer. */
function notApprovedMessage(name: string, approval: 'pending' | 'denied'): string {
  const r = clientNotApproved(name, approval);
  return r.ok ? '' : r.error.message.slice(0, 1000);
}

/** null when the session's client is approved; else the broker's "what to do" answer. */
function gate(deps: BridgeProtocolDeps, s: BridgeSession): Result<never> | null {
  const approval = deps.clients.approval(s.clientId);
  if (approval !== 'approved') return clientNotApproved(s.client, approval);
  return null;
}

/** hello's and session.get's answer: settings and account for approved clients only. */
function sessionView(deps: BridgeProtocolDeps, s: BridgeSession): HelloResult {
  const base = { protocolVersion: PROTOCOL_VERSION, brokerVersion: deps.version };
  const approval = deps.clients.approval(s.clientId);
  if (approval !== 'approved') return { ...base, approval, message: notApprovedMessage(s.client, approval) };
  const cfg = deps.config();
  return {
    ...base,
    approval,
    account: deps.auth.snapshot().account,
    graphBaseUrl: cfg.graphBaseUrl,
    toolGroups: [...cfg.toolGroups],
    readOnly: cfg.readOnly,
    api: cfg.api,
    approvalTimeoutSeconds: cfg.approvalTimeoutSeconds,
    uploads: {
      allowedFolders: [...cfg.uploads.allowedFolders],
      protectedFolders: [...cfg.uploads.protectedFolders],
    },
  };
}

function undeclared(tool: string, what: string): Result<never> {
  return fail(
    'BAD_REQUEST',
    `"${tool}" is not in the tool catalog this bridge declared, so ${what}. Restart the editor so its Graph Bridge connection starts over.`,
  );
}

/** A declared tool in a disabled group is refused, whatever scopes it asks for. */
function refuseTool(
  deps: BridgeProtocolDeps,
  tool: string | undefined,
  s: BridgeSession,
  what: string,
): Result<never> | null {
  if (tool === undefined || s.tools === null) return null;
  const entry = s.tools.get(tool);
  if (entry === undefined) return undeclared(tool, what);
  return deps.config().toolGroups.includes(entry.group) ? null : groupDisabled(entry.group, what);
}

/** Why no token is issued: not approved, paused, or a tool/scope the settings do not allow; else null. */
function tokenRefusal(deps: BridgeProtocolDeps, p: TokenGetParams, s: BridgeSession): Result<never> | null {
  const denied = gate(deps, s);
  if (denied !== null) return denied;
  if (deps.isPaused()) return fail('PAUSED', PAUSED_MESSAGE);
  const refused =
    refuseTool(deps, p.tool, s, `no token is issued for "${p.tool}"`) ?? refuseScopes(p.scopes, deps.config());
  if (refused !== null) {
    deps.logger.info(`token.get for "${s.client}"${p.tool === undefined ? '' : ` (${p.tool})`} refused by settings`);
  }
  return refused;
}

async function tokenGet(
  deps: BridgeProtocolDeps,
  p: TokenGetParams,
  s: BridgeSession,
): Promise<Result<TokenGetResult>> {
  const refused = tokenRefusal(deps, p, s);
  if (refused !== null) return refused;
  deps.clients.recordCall(s.clientId);
  const result = await deps.auth.getToken({
    scopes: p.scopes,
    ...(p.forceRefresh === undefined ? {} : { forceRefresh: p.forceRefresh }),
    ...(p.minValiditySeconds === undefined ? {} : { minValiditySeconds: p.minValiditySeconds }),
    ...(p.claims === undefined ? {} : { claims: p.claims }),
    requestedBy: p.tool === undefined ? s.client : `${s.client} / ${p.tool}`,
  });
  if (result.ok) {
    deps.secrets.add(result.value.accessToken);
  } else {
    // A CONSENT_REQUIRED answer has queued a consent item in the auth service (auth/consent-queue.ts).
    deps.logger.info(`token.get for "${s.client}"${p.tool === undefined ? '' : ` (${p.tool})`}: ${result.error.code}`);
  }
  return result;
}

async function approvalRequest(deps: BridgeProtocolDeps, p: ApprovalRequestParams, s: BridgeSession) {
  const denied = gate(deps, s);
  if (denied !== null) return denied;
  if (deps.isPaused()) return fail('PAUSED', PAUSED_MESSAGE);
  const entry = s.tools?.get(p.tool);
  if (entry === undefined) return undeclared(p.tool, 'it cannot ask for approval; nothing was sent');
  const refused = refuseWrite(p.tool, entry.group, deps.config());
  if (refused !== null) {
    deps.logger.info(`approval.request "${p.tool}" from "${s.client}": refused by settings`);
    return refused;
  }
  const result = await deps.writes.request(s.client, p);
  deps.logger.info(`approval.request "${p.tool}" from "${s.client}": ${result.approved ? 'approved' : 'denied'}`);
  return ok(result);
}

async function auditRecord(deps: BridgeProtocolDeps, p: AuditRecordParams, s: BridgeSession) {
  const denied = gate(deps, s);
  if (denied !== null) return denied;
  await deps.audit.record({ time: deps.now().toISOString(), client: s.client, ...p });
  return ok({});
}

function declare(deps: BridgeProtocolDeps, p: ToolsDeclareParams, s: BridgeSession): Result<object> {
  s.tools = new Map(p.tools.map((t) => [t.name, t]));
  deps.logger.debug(`"${s.client}" declared ${p.tools.length} tools`);
  return ok({});
}

/** Scopes the session's declared tools need that the enabled groups allow in the configured mode. */
function sessionNeededScopes(deps: BridgeProtocolDeps, s: BridgeSession): string[] {
  const cfg = deps.config();
  const needed = new Set<string>();
  for (const t of s.tools?.values() ?? []) {
    if (!cfg.toolGroups.includes(t.group)) continue;
    const allowed = new Set(scopesForGroup(t.group, cfg.readOnly).map((x) => x.toLowerCase()));
    for (const scope of t.scopes) if (allowed.has(scope.toLowerCase())) needed.add(scope);
  }
  return [...needed].sort();
}

/** The session's own status: nothing about other clients, other accounts or pending approvals. */
function statusGet(deps: BridgeProtocolDeps, s: BridgeSession): Result<BridgeStatus> {
  const denied = gate(deps, s);
  if (denied !== null) return denied;
  const full = deps.status();
  return ok({
    brokerVersion: full.brokerVersion,
    paused: full.paused,
    account: full.account,
    ...(full.signInNeeded === undefined ? {} : { signInNeeded: full.signInNeeded }),
    cache: full.cache,
    token: full.token,
    grantedScopes: full.grantedScopes,
    neededScopes: sessionNeededScopes(deps, s),
  });
}

/** The methods a bridge may call after hello (a table). */
function bridgeMethods(deps: BridgeProtocolDeps): Record<string, RpcMethod<BridgeSession>> {
  return {
    'tools.declare': {
      params: METHODS['tools.declare'].params,
      handle: (p: ToolsDeclareParams, s: BridgeSession) => declare(deps, p, s),
    },
    'session.get': {
      params: METHODS['session.get'].params,
      handle: (_p: unknown, s: BridgeSession) => ok(sessionView(deps, s)),
    },
    'token.get': {
      params: METHODS['token.get'].params,
      handle: (p: TokenGetParams, s: BridgeSession) => tokenGet(deps, p, s),
    },
    'approval.request': {
      params: METHODS['approval.request'].params,
      handle: (p: ApprovalRequestParams, s: BridgeSession) => approvalRequest(deps, p, s),
    },
    'audit.record': {
      params: METHODS['audit.record'].params,
      handle: (p: AuditRecordParams, s: BridgeSession) => auditRecord(deps, p, s),
    },
    'status.get': {
      params: METHODS['status.get'].params,
      handle: (_p: unknown, s: BridgeSession) => statusGet(deps, s),
    },
  };
}

/** hello: a matching protocol version opens a session for the client (approved, pending or denied). */
function openBridgeSession(
  deps: BridgeProtocolDeps,
  params: HelloParams,
  peer: RpcPeer,
): { session: BridgeSession; result: Result<HelloResult> } | { session: null; result: Result<never> } {
  if (params.protocolVersion !== PROTOCOL_VERSION) {
    return {
      session: null,
      result: fail(
        'PROTOCOL_MISMATCH',
        `This bridge speaks protocol v${params.protocolVersion} but the broker speaks v${PROTOCOL_VERSION}. ` +
          `Update Graph Bridge so the editor's bridge and the tray/agent come from the same version, then restart the editor.`,
      ),
    };
  }
  const { id: clientId, approval } = deps.clients.connected({
    name: params.client.name,
    tools: [],
    editorKey: params.editorKey,
  });
  const session: BridgeSession = {
    peerId: peer.id,
    client: params.client.name,
    clientId,
    pid: params.client.pid,
    tools: null,
  };
  deps.logger.info(
    `Bridge connected: "${params.client.name}" ${params.client.version} pid ${params.client.pid} as ${clientId} (${approval})`,
    { connection: peer.id },
  );
  return { session, result: ok(sessionView(deps, session)) };
}

export function createBridgeProtocol(deps: BridgeProtocolDeps): BridgeProtocol {
  const live = new Set<BridgeSession>();
  return {
    name: 'bridge',
    hello: {
      params: METHODS.hello.params,
      open(params: HelloParams, peer) {
        const opened = openBridgeSession(deps, params, peer);
        if (opened.session !== null) live.add(opened.session);
        return opened;
      },
    },
    methods: bridgeMethods(deps),
    onClose(session) {
      live.delete(session);
      deps.clients.disconnected(session.clientId);
    },
    neededScopes() {
      const all = new Set<string>();
      for (const s of live) for (const t of s.tools?.values() ?? []) for (const scope of t.scopes) all.add(scope);
      return [...all].sort();
    },
  };
}
