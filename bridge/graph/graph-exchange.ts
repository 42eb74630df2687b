/**
 * One Graph call on the wire: each exchange within its deadline (a binary download gets
 * DOWNLOAD_TIMEOUT_FACTOR times the setting) and ended at once by MCP cancellation, audited, and sent
 * again as long as the call policy (graph-retry.ts) says so.
 */
import { ToolError } from '../tools/tool.ts';
import { cancelledError, DEFAULT_HTTP_TIMEOUT_MS, startDeadline, timeoutError } from './deadline.ts';
import type { AuthRequest, TransportRequest, TransportResponse } from './graph-api.ts';
import { retryOrThrow, type CallContext, type RetryState } from './graph-retry.ts';

/** A download's deadline is this many times the setting. */
export const DOWNLOAD_TIMEOUT_FACTOR = 10;

export interface ExchangeTarget {
  /** Relative to the version root (query encoded) or an absolute Graph URL. */
  url: string;
  binary: boolean;
  sink?: TransportRequest['sink'];
}

/** One exchange within the deadline; a cancelled or timed-out one becomes CANCELLED / TIMEOUT. */
async function sendOnce({ options, call }: CallContext, request: TransportRequest): Promise<TransportResponse> {
  const { signal } = options;
  const what = `${call.method} ${call.pathTemplate}`;
  if (signal?.aborted) throw cancelledError('Microsoft Graph', what);
  const timeoutMs = options.timeoutMs ?? DEFAULT_HTTP_TIMEOUT_MS;
  const limit = request.binary ? timeoutMs * DOWNLOAD_TIMEOUT_FACTOR : timeoutMs;
  const deadline = startDeadline(signal, limit, options.setTimer);
  try {
    return await deadline.race(options.transport.send({ ...request, signal: deadline.signal }));
  } catch (error) {
    if (deadline.state() === 'cancelled') throw cancelledError('Microsoft Graph', what);
    if (deadline.state() === 'timed-out') throw timeoutError('Microsoft Graph', what, limit, timeoutMs);
    if (error instanceof ToolError) throw error;
    const cause = error instanceof Error ? error.message : String(error);
    throw new ToolError(
      'GRAPH_UNREACHABLE',
      `Could not reach Microsoft Graph at ${new URL(options.graphBaseUrl).host} (${cause}). Check the network connection and try again.`,
    );
  } finally {
    deadline.clear();
  }
}

function audit({ options, call }: CallContext, response: TransportResponse, started: number): void {
  const requestId = response.headers.get('request-id');
  options.audit({
    tool: options.tool,
    method: call.method,
    pathTemplate: call.pathTemplate.slice(0, 500),
    status: response.status,
    durationMs: Math.max(0, Math.min(3_600_000, options.now() - started)),
    ...(requestId ? { requestId: requestId.slice(0, 100) } : {}),
  });
}

/** Sends the call until it succeeds (2xx, 304; any non-error status for a binary) or the policy gives up. */
export async function execute(ctx: CallContext, target: ExchangeTarget): Promise<TransportResponse> {
  const { options, call } = ctx;
  const { signal } = options;
  const auth: AuthRequest = { scopes: call.scopes, tool: options.tool, ...(signal ? { signal } : {}) };
  const state: RetryState = { auth, reauthorized: false, waited: 0, retries: 0 };
  for (;;) {
    const started = options.now();
    const response = await sendOnce(ctx, {
      method: call.method,
      url: target.url,
      binary: target.binary,
      auth: state.auth,
      ...(call.headers ? { headers: call.headers } : {}),
      ...(call.body !== undefined ? { body: call.body } : {}),
      ...(target.sink ? { sink: target.sink } : {}),
    });
    audit(ctx, response, started);
    const { status } = response;
    if (status < 300 || status === 304 || (target.binary && status < 400)) return response;
    await retryOrThrow(ctx, response, state);
  }
}
