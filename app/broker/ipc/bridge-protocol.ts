/**
 * Protocol v1 as the broker serves it to bridges: hello (key + client registration), token.get,
 * approval.request, audit.record, status.get. Params are parsed with the METHODS schemas before a
 * handler runs; handlers return Result values with a stable code and a remedy in the message.
 */
import { METHODS, PROTOCOL_VERSION, fail, ok } from '../protocol.ts';
import type {
  ApprovalRequestParams,
  AuditRecordParams,
  BrokerStatus,
  HelloParams,
  HelloResult,
  Result,
  TokenGetParams,
  TokenGetResult,
} from '../protocol.ts';
import type { AuthService } from '../auth/auth-service.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { ClientRegistry } from '../approvals/client-registry.ts';
import type { WriteApprovals } from '../approvals/write-approvals.ts';
import type { ConsentQueue } from '../consent/consent-queue.ts';
import type { BrokerConfig } from '../broker-config.ts';
import type { Logger, SecretRegistry } from '../log/logger.ts';
import type { RpcMethod, RpcProtocol } from './rpc-connection.ts';

export interface BridgeSession {
  peerId: number;
  /** The client's label (MCP clientInfo.name), for the audit trail and prompts. */
  client: string;
  /** What its approval is looked up by: the editor its credential names, or its own session id. */
  clientId: string;
  pid: number;
}

export interface BridgeProtocolDeps {
  version: string;
  auth: AuthService;
  clients: ClientRegistry;
  writes: WriteApprovals;
  consent: ConsentQueue;
  audit: AuditLog;
  config: () => BrokerConfig;
  isPaused: () => boolean;
  status: () => BrokerStatus;
  secrets: SecretRegistry;
  logger: Logger;
  now: () => Date;
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

export function createBridgeProtocol(deps: BridgeProtocolDeps): RpcProtocol<BridgeSession> {
  const gate = (s: BridgeSession): Result<never> | null => {
    const approval = deps.clients.approval(s.clientId);
    if (approval !== 'approved') return clientNotApproved(s.client, approval);
    return null;
  };

  const tokenGet = async (p: TokenGetParams, s: BridgeSession): Promise<Result<TokenGetResult>> => {
    if (deps.isPaused()) return fail('PAUSED', PAUSED_MESSAGE);
    const denied = gate(s);
    if (denied !== null) return denied;
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
      deps.consent.resolveGranted(result.value.grantedScopes);
    } else {
      // The production AuthService keeps its own consent queue; the broker's is for those that don't.
      if (result.error.code === 'CONSENT_REQUIRED' && deps.auth.pendingConsent === undefined) {
        deps.consent.add(result.error.missingScopes ?? p.scopes, s.client);
      }
      deps.logger.info(
        `token.get for "${s.client}"${p.tool === undefined ? '' : ` (${p.tool})`}: ${result.error.code}`,
      );
    }
    return result;
  };

  const approvalRequest = async (p: ApprovalRequestParams, s: BridgeSession) => {
    if (deps.isPaused()) return fail('PAUSED', PAUSED_MESSAGE);
    const denied = gate(s);
    if (denied !== null) return denied;
    const result = await deps.writes.request(s.client, p);
    deps.logger.info(`approval.request "${p.tool}" from "${s.client}": ${result.approved ? 'approved' : 'denied'}`);
    return ok(result);
  };

  const auditRecord = async (p: AuditRecordParams, s: BridgeSession) => {
    const denied = gate(s);
    if (denied !== null) return denied;
    await deps.audit.record({ time: deps.now().toISOString(), client: s.client, ...p });
    return ok({});
  };

  const methods: Record<string, RpcMethod<BridgeSession>> = {
    'token.get': { params: METHODS['token.get'].params, handle: tokenGet },
    'approval.request': { params: METHODS['approval.request'].params, handle: approvalRequest },
    'audit.record': { params: METHODS['audit.record'].params, handle: auditRecord },
    'status.get': { params: METHODS['status.get'].params, handle: () => ok(deps.status()) },
  };

  return {
    name: 'bridge',
    hello: {
      params: METHODS.hello.params,
      open(params: HelloParams, peer) {
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
          tools: params.tools,
          editorKey: params.editorKey,
        });
        const cfg = deps.config();
        const value: HelloResult = {
          protocolVersion: PROTOCOL_VERSION,
          brokerVersion: deps.version,
          account: deps.auth.snapshot().account,
          approval,
          graphBaseUrl: cfg.graphBaseUrl,
          toolGroups: [...cfg.toolGroups],
          readOnly: cfg.readOnly,
          api: cfg.api,
        };
        deps.logger.info(
          `Bridge connected: "${params.client.name}" ${params.client.version} pid ${params.client.pid} as ${clientId} (${approval})`,
          {
            connection: peer.id,
            tools: params.tools.length,
          },
        );
        const session = { peerId: peer.id, client: params.client.name, clientId, pid: params.client.pid };
        return { session, result: ok(value) };
      },
    },
    methods,
    onClose(session) {
      deps.clients.disconnected(session.clientId);
    },
  };
}
