/**
 * The call policy after a failed answer (graph-exchange.ts): one retry on 401 with a forced token
 * refresh or the claims of a CAE claims challenge; 429 (any method) and 503/504 (not a POST, unless it
 * only reads) retried after Retry-After within the waiting budget, then THROTTLED; anything else a
 * ToolError (errors.ts).
 */
import type { GraphCall } from '../tools/tool.ts';
import { cancelledError } from './deadline.ts';
import { graphFailureToToolError, throttledError } from './errors.ts';
import type { AuthRequest, GraphApiOptions, TransportResponse } from './graph-api.ts';

/** One call of one tool. */
export interface CallContext {
  options: GraphApiOptions;
  call: GraphCall;
}

/** What one call has spent on retries so far. */
export interface RetryState {
  auth: AuthRequest;
  reauthorized: boolean;
  waited: number;
  retries: number;
}

const THROTTLE_STATUSES = new Set([429, 503, 504]);

/** Retry-After in seconds (delta-seconds or HTTP-date); undefined when absent/unparseable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/** The base64-decoded `claims` of a `WWW-Authenticate: Bearer … error="insufficient_claims", claims="…"`. */
export function parseClaimsChallenge(header: string | null): string | undefined {
  if (!header || !/error="insufficient_claims"/i.test(header)) return undefined;
  const match = /claims="([^"]+)"/i.exec(header);
  if (!match?.[1]) return undefined;
  try {
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    JSON.parse(decoded);
    return decoded;
  } catch {
    return undefined;
  }
}

/** Waits out a throttled answer; a cancelled call ends the wait as CANCELLED. */
async function wait({ options, call }: CallContext, ms: number): Promise<void> {
  const { signal } = options;
  if (signal?.aborted) throw cancelledError('Microsoft Graph', `${call.method} ${call.pathTemplate}`);
  try {
    await options.sleep(ms, signal);
  } catch (error) {
    if (signal?.aborted) throw cancelledError('Microsoft Graph', `${call.method} ${call.pathTemplate}`);
    throw error;
  }
}

/** A throttled answer: waits (and returns, to send again) within the budget, or throws THROTTLED. */
async function retryThrottled(ctx: CallContext, response: TransportResponse, state: RetryState): Promise<void> {
  const { options } = ctx;
  const retryAfterS = parseRetryAfter(response.headers.get('retry-after'), options.now());
  const baseDelay = options.defaultRetryDelayMs ?? 1000;
  const delay = retryAfterS !== undefined ? retryAfterS * 1000 : baseDelay * 2 ** state.retries;
  if (
    state.retries < (options.maxThrottleRetries ?? 5) &&
    state.waited + delay <= (options.throttleBudgetMs ?? 30_000)
  ) {
    state.retries++;
    state.waited += delay;
    await wait(ctx, delay);
    return;
  }
  throw throttledError({
    status: response.status,
    body: response.body,
    waitedMs: state.waited,
    retries: state.retries,
    ...(retryAfterS !== undefined ? { retryAfterS } : {}),
  });
}

/** After a failed answer: returns when the call is to be sent again (`state` updated), else throws. */
export async function retryOrThrow(ctx: CallContext, response: TransportResponse, state: RetryState): Promise<void> {
  const { call } = ctx;
  const { status } = response;
  if (status === 401 && !state.reauthorized) {
    state.reauthorized = true;
    const claims = parseClaimsChallenge(response.headers.get('www-authenticate'));
    state.auth = claims !== undefined ? { ...state.auth, claims } : { ...state.auth, forceRefresh: true };
    return;
  }
  // A 503/504 POST may have been carried out, so only a read-only one is sent again.
  if (THROTTLE_STATUSES.has(status) && (status === 429 || call.method !== 'POST' || call.readOnly === true)) {
    await retryThrottled(ctx, response, state);
    return;
  }
  const requestId = response.headers.get('request-id');
  throw graphFailureToToolError({
    status,
    body: response.body,
    method: call.method,
    pathTemplate: call.pathTemplate,
    scopes: call.scopes,
    ...(requestId ? { requestId } : {}),
  });
}
