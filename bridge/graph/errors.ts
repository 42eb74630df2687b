/**
 * Failures -> ToolError with a message that says what happened and what to do. Two sources:
 * the broker (token/approval: NOT_SIGNED_IN, CONSENT_REQUIRED, …) and Microsoft Graph (HTTP status
 * plus the `{error:{code,message}}` body).
 */
import type { ToolGroup } from '../../app/broker/protocol.ts';
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

export function brokerFailureToToolError(failure: BridgeFailure, ctx: FailureContext): ToolError {
  const detail = failure.message ? ` (${failure.message})` : '';
  switch (failure.code) {
    case 'CONSENT_REQUIRED': {
      const scopes = failure.missingScopes?.length ? failure.missingScopes.join(', ') : 'the scopes of this tool';
      const admin = failure.adminConsentRequired
        ? ' These permissions need a tenant administrator: ask your admin to grant them to Graph Bridge.'
        : '';
      return new ToolError(
        'CONSENT_REQUIRED',
        `${ctx.tool} needs permissions you have not granted yet: ${scopes}. Open the Graph Bridge status window and press Grant (or run \`graph-bridge consent ${ctx.group}\`), then try again.${admin}`,
      );
    }
    case 'NOT_SIGNED_IN':
      return withRemedy(
        failure,
        /sign/i,
        'You are not signed in to Microsoft 365 in Graph Bridge.',
        'Sign in from the Graph Bridge tray icon or status window (or run `graph-bridge login`), then try again.',
      );
    case 'INTERACTION_REQUIRED':
      return withRemedy(
        failure,
        /sign/i,
        'Microsoft needs you to sign in again.',
        'Open the Graph Bridge status window and sign in (or run `graph-bridge login`), then try again.',
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
