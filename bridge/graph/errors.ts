/**
 * Failures -> ToolError with a message that says what happened and what to do. Two sources:
 * the broker (token/approval: NOT_SIGNED_IN, CONSENT_REQUIRED, …) and Microsoft Graph (HTTP status
 * plus the `{error:{code,message}}` body).
 */
import type { ToolGroup } from '../../app/shared/tool-groups.ts';
import type { BridgeFailure } from '../broker/broker-client.ts';
import { ToolError } from '../tools/tool.ts';

export interface FailureContext {
  tool: string;
  group: ToolGroup;
  /** The editor's name, for CLIENT_NOT_APPROVED. */
  clientName?: string;
}

/** The broker's own message when it has one (it says how to fix it), plus our remedy if it lacks one. */
function withRemedy(failure: BridgeFailure, mentions: RegExp, fallback: string, remedy: string): ToolError {
  const said = failure.message.trim();
  if (said === '') return new ToolError(failure.code, `${fallback} ${remedy}`);
  return new ToolError(failure.code, mentions.test(said) ? said : `${said} ${remedy}`);
}

/**
 * CONSENT_REQUIRED names the scopes that are missing (for graph_request they are the ones the call
 * asked for, not its group's) and what the USER does: press Grant in the window, which lists them.
 * No command: text that reaches the model never contains one that grants access.
 */
function consentRequired(failure: BridgeFailure, ctx: FailureContext): ToolError {
  const missing = failure.missingScopes ?? [];
  const scopes = missing.length ? missing.join(', ') : 'the permissions this tool needs';
  const admin = failure.adminConsentRequired
    ? ' These permissions need a tenant administrator: ask your admin to grant them to Graph Bridge.'
    : '';
  return new ToolError(
    'CONSENT_REQUIRED',
    `${ctx.tool} needs permissions that have not been granted yet: ${scopes}. Ask the user to open the Graph Bridge window (tray icon) and press Grant for ${missing.length ? scopes : 'them'}; with the headless graph-bridge agent, \`graph-bridge status\` in a terminal shows the missing permissions and how to grant them. Then try again.${admin}`,
  );
}

export function brokerFailureToToolError(failure: BridgeFailure, ctx: FailureContext): ToolError {
  const detail = failure.message ? ` (${failure.message})` : '';
  switch (failure.code) {
    case 'CONSENT_REQUIRED':
      return consentRequired(failure, ctx);
    case 'NOT_SIGNED_IN':
      return withRemedy(
        failure,
        /sign/i,
        'You are not signed in to Microsoft 365 in Graph Bridge.',
        'Sign in from the Graph Bridge tray icon or status window (or run `graph-bridge login`), then try again.',
      );
    case 'INTERACTION_REQUIRED':
      // MFA, a compliant device, a revoked session: only the person can do it, never the model.
      return withRemedy(
        failure,
        /only the user/i,
        'Microsoft needs the user to sign in again.',
        'Only the user can fix this: ask them to sign in again from the Graph Bridge tray icon, or in the terminal where Graph Bridge runs as an agent, then try again.',
      );
    case 'CLIENT_NOT_APPROVED':
      return withRemedy(
        failure,
        /approve|allow/i,
        `Graph Bridge has not approved this editor${ctx.clientName ? ` ("${ctx.clientName}")` : ''} to act as you.`,
        'Ask the user to allow it in the Graph Bridge window (tray icon) or in the terminal running the Graph Bridge agent, then try again.',
      );
    case 'APPROVAL_DENIED':
      return new ToolError('APPROVAL_DENIED', `The action was not approved${detail}. Nothing was changed.`);
    case 'PAUSED':
      return withRemedy(
        failure,
        /resume/i,
        'Graph Bridge access is paused.',
        'Ask the user to resume it in the Graph Bridge window or tray menu, then try again.',
      );
    case 'BROKER_UNAVAILABLE':
    case 'BROKER_UNTRUSTED':
    case 'KEYCHAIN_UNAVAILABLE':
    case 'PROTOCOL_MISMATCH':
    case 'BAD_REQUEST':
    case 'READ_ONLY':
    case 'GROUP_DISABLED':
    case 'ENTRA_UNAVAILABLE':
    case 'INTERNAL':
      return new ToolError(failure.code, failure.message);
  }
}

export interface GraphErrorBody {
  code?: string;
  message?: string;
}

/** Reads `{error:{code,message}}` from a Graph error body, tolerating anything. */
export function readGraphError(body: unknown): GraphErrorBody {
  if (typeof body !== 'object' || body === null) return {};
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return {};
  const { code, message } = error as { code?: unknown; message?: unknown };
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof message === 'string' ? { message: message.slice(0, 500) } : {}),
  };
}

export interface HttpFailure {
  status: number;
  body: unknown;
  method: string;
  pathTemplate: string;
  scopes: readonly string[];
  requestId?: string;
}

export function graphFailureToToolError(f: HttpFailure): ToolError {
  const { code, message } = readGraphError(f.body);
  const said = code || message ? ` Graph said: ${[code, message].filter(Boolean).join(': ')}.` : '';
  const rid = f.requestId ? ` (request-id ${f.requestId})` : '';
  const what = `${f.method} ${f.pathTemplate}`;
  if (f.status === 401) {
    return new ToolError(
      'GRAPH_UNAUTHORIZED',
      `Microsoft Graph rejected the sign-in for ${what} even after a fresh token.${said} Sign in again from the Graph Bridge status window (or run \`graph-bridge login\`).${rid}`,
    );
  }
  if (f.status === 403) {
    const needed = f.scopes.length ? f.scopes.join(' or ') : 'a permission you have not granted';
    return new ToolError(
      'GRAPH_FORBIDDEN',
      `Microsoft Graph denied ${what}: it needs the ${needed} permission, or your account/tenant does not allow it.${said} Grant the permission in the Graph Bridge status window; if it is already granted, ask your administrator.${rid}`,
    );
  }
  if (f.status === 404) {
    return new ToolError(
      'GRAPH_NOT_FOUND',
      `Not found: ${what}.${said} Check the id (take ids from the list/search tools' results).${rid}`,
    );
  }
  if (f.status === 400 || f.status === 422) {
    return new ToolError(
      'GRAPH_BAD_REQUEST',
      `Microsoft Graph refused the request ${what}.${said} Adjust the arguments and retry.${rid}`,
    );
  }
  if (f.status === 409 || f.status === 412) {
    return new ToolError(
      'GRAPH_CONFLICT',
      `Microsoft Graph reported a conflict for ${what}.${said} Fetch the item again and retry.${rid}`,
    );
  }
  if (f.status >= 500) {
    return new ToolError(
      'GRAPH_UNAVAILABLE',
      `Microsoft Graph failed with HTTP ${f.status} for ${what}.${said} Try again later.${rid}`,
    );
  }
  return new ToolError('GRAPH_ERROR', `Microsoft Graph answered HTTP ${f.status} for ${what}.${said}${rid}`);
}

export function throttledError(f: {
  status: number;
  body: unknown;
  waitedMs: number;
  retries: number;
  retryAfterS?: number;
}): ToolError {
  const { code, message } = readGraphError(f.body);
  const said = code || message ? ` (${[code, message].filter(Boolean).join(': ')})` : '';
  const again = f.retryAfterS !== undefined ? ` Try again in about ${f.retryAfterS} s.` : ' Try again in a minute.';
  return new ToolError(
    'THROTTLED',
    `Microsoft Graph is throttling requests (HTTP ${f.status})${said}; gave up after ${f.retries} ${f.retries === 1 ? 'retry' : 'retries'} and ${Math.round(f.waitedMs / 1000)} s of waiting.${again}`,
  );
}
