/**
 * The broker as one tool call sees it: the approved session the call runs under (refused when the
 * tool's group is off or it writes in read-only mode, re-checked once against freshly read settings),
 * tokens for the tool's scopes, and the user's approval of a write. Every broker failure becomes a
 * ToolError that says what the user can do (graph/errors.ts), and a broker call the tool call's
 * cancellation ends is CANCELLED with nothing sent.
 */
import { BRIDGE_ENV } from '../app/shared/constants.ts';
import type { ApprovedHello } from '../app/shared/bridge-contract.ts';
import { effectiveSelection, type BridgeConfig } from './config.ts';
import type { BrokerClient } from './broker/broker-client.ts';
import type { TokenSource } from './broker/token-source.ts';
import type { AuthRequest } from './graph/graph-api.ts';
import { brokerFailureToToolError } from './graph/errors.ts';
import { READ_ONLY_SETTINGS_REMEDY, readOnlyError, ToolError, type ToolDefinition } from './tools/tool.ts';

export interface ToolSessionDeps {
  broker: Pick<BrokerClient, 'session' | 'call'>;
  tokens: TokenSource;
  config: BridgeConfig;
  clientName(): string;
}

const failureContext = (deps: ToolSessionDeps, tool: ToolDefinition) => ({
  tool: tool.name,
  group: tool.group,
  clientName: deps.clientName(),
});

const cancelled = (tool: ToolDefinition) =>
  new ToolError('CANCELLED', `The request was cancelled, so ${tool.name} sent nothing.`);

/** A broker call that the tool call's cancellation ends: then a CANCELLED ToolError, nothing sent. */
async function brokerCall<T>(tool: ToolDefinition, signal: AbortSignal | undefined, call: () => Promise<T>) {
  try {
    return await call();
  } catch (error) {
    if (signal?.aborted) throw cancelled(tool);
    throw error;
  }
}

/** The approved session (re-read from the broker when `refresh`); anything else is a ToolError. */
async function approvedSession(deps: ToolSessionDeps, tool: ToolDefinition, refresh = false): Promise<ApprovedHello> {
  const s = await deps.broker.session(refresh ? { refresh } : undefined);
  if (!s.ok) throw brokerFailureToToolError(s.error, failureContext(deps, tool));
  if (s.value.approval !== 'approved') {
    throw brokerFailureToToolError(
      { code: 'CLIENT_NOT_APPROVED', message: s.value.message },
      failureContext(deps, tool),
    );
  }
  return s.value;
}

/** How the user turns read-only off: it depends on where it was set (settings, the editor's entry, both). */
export function readOnlyRemedy(config: BridgeConfig, hello: ApprovedHello): string {
  const entry = `This editor's MCP entry sets it (--read-only or ${BRIDGE_ENV.readOnly})`;
  if (!hello.readOnly) return `${entry}; remove that if you want to allow writes.`;
  return config.readOnly ? `${READ_ONLY_SETTINGS_REMEDY} ${entry} too.` : READ_ONLY_SETTINGS_REMEDY;
}

/** Why this tool may not run under these settings (flags only narrow them), or null. */
function refusal(config: BridgeConfig, tool: ToolDefinition, hello: ApprovedHello): ToolError | null {
  const selection = effectiveSelection(config, hello);
  if (!selection.groups.includes(tool.group)) {
    return new ToolError(
      'GROUP_DISABLED',
      config.groups.includes(tool.group)
        ? `The ${tool.group} tools are turned off in Graph Bridge settings. The user can turn the "${tool.group}" group on in the Graph Bridge window (tray icon → Settings → Tool groups).`
        : `The ${tool.group} tools are not enabled in this editor's Graph Bridge entry (--tools or ${BRIDGE_ENV.tools}).`,
    );
  }
  if (tool.write && selection.readOnly) return readOnlyError(`${tool.name} cannot run`, readOnlyRemedy(config, hello));
  return null;
}

/** The session this call runs under; a refusal is re-checked against freshly read settings once. */
export async function allowedSession(deps: ToolSessionDeps, tool: ToolDefinition): Promise<ApprovedHello> {
  const hello = await approvedSession(deps, tool);
  if (refusal(deps.config, tool, hello) === null) return hello;
  const fresh = await approvedSession(deps, tool, true);
  const still = refusal(deps.config, tool, fresh);
  if (still !== null) throw still;
  return fresh;
}

/** Access tokens for `tool` (failures explained in terms of that tool). */
export function tokenFor(deps: ToolSessionDeps, tool: ToolDefinition): (request: AuthRequest) => Promise<string> {
  return async (request) => {
    const { signal, ...wanted } = request;
    const outcome = await brokerCall(tool, signal, () => deps.tokens.get(wanted, signal ? { signal } : undefined));
    if (!outcome.ok) throw brokerFailureToToolError(outcome.error, failureContext(deps, tool));
    return outcome.value.accessToken;
  };
}

function truncateDetails(details: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!details) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(details).slice(0, 20))
    out[k.slice(0, 100)] = v.length > 2000 ? `${v.slice(0, 1990)}…` : v;
  return out;
}

/** Asks the user (through the broker) to approve a write; resolves only when approved and not cancelled. */
export async function requestApproval(
  deps: ToolSessionDeps,
  call: { tool: ToolDefinition; signal: AbortSignal | undefined },
  summary: string,
  details: Record<string, string> | undefined,
): Promise<void> {
  const { tool, signal } = call;
  const params = {
    tool: tool.name,
    summary: summary.length > 1000 ? `${summary.slice(0, 999)}…` : summary,
    ...(details ? { details: truncateDetails(details) } : {}),
  };
  const outcome = await brokerCall(tool, signal, () =>
    deps.broker.call('approval.request', params, signal ? { signal } : undefined),
  );
  if (!outcome.ok) throw brokerFailureToToolError(outcome.error, failureContext(deps, tool));
  if (!outcome.value.approved) {
    const why = outcome.value.reason ? ` (${outcome.value.reason})` : '';
    throw new ToolError(
      'APPROVAL_DENIED',
      `The user did not approve this action${why}, so nothing was sent or changed. Do not retry unless the user asks you to.`,
    );
  }
  // The client may have cancelled the call while the user was deciding: then nothing is sent.
  if (signal?.aborted) throw cancelled(tool);
}
