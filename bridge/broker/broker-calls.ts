/**
 * One request to the broker and what can come of it: the answer parsed against the contract
 * (app/shared/bridge-contract.ts), or a failure whose message says what to check — BROKER_UNAVAILABLE for a broker that
 * is absent, stopped or stuck (every call has a deadline: BROKER_DEADLINES_MS; approval.request the
 * approval window the broker announced in hello + APPROVAL_DEADLINE_MARGIN_MS), PROTOCOL_MISMATCH for an
 * answer in an unexpected shape, BAD_REQUEST for a request the broker rejected. A caller's AbortSignal
 * ends the wait at once (the call rejects with the signal's reason).
 */
import {
  METHODS,
  resultSchema,
  type BrokerError,
  type HelloResult,
  type MethodName,
  type MethodValue,
} from '../../app/shared/bridge-contract.ts';
import type { BrokerErrorCode } from '../../app/shared/constants.ts';
import type { Logger } from '../log.ts';
import type { Result } from '../../app/shared/result.ts';
import {
  ConnectionClosedError,
  RequestTimeoutError,
  RpcProtocolError,
  type RpcClient,
} from '../../app/shared/rpc-client.ts';

export type BridgeFailureCode = BrokerErrorCode | 'BROKER_UNAVAILABLE' | 'BROKER_UNTRUSTED';

export interface BridgeFailure extends Omit<BrokerError, 'code'> {
  code: BridgeFailureCode;
}

/** The bridge's result: the shared Result with the bridge's own failures added to the broker's codes. */
export type Outcome<T> = Result<T, BridgeFailure>;

export const START_HINT =
  'Start Graph Bridge from its tray icon (open the Graph Bridge app) or run `graph-bridge agent` in a terminal, then try again.';

/** Default deadlines per method (ms). approval.request waits the broker's approval window + a margin. */
export const BROKER_DEADLINES_MS = {
  hello: 5_000,
  'tools.declare': 10_000,
  'session.get': 10_000,
  'token.get': 60_000,
  'audit.record': 10_000,
  'status.get': 10_000,
} as const satisfies Record<Exclude<MethodName, 'approval.request'>, number>;
export const APPROVAL_DEADLINE_MARGIN_MS = 15_000;
/** Used only before an approved hello said how long the approval window is. */
const FALLBACK_APPROVAL_WINDOW_MS = 120_000;

export interface DeadlineOptions {
  /** Answer deadline for hello (default 5 s). */
  helloTimeoutMs?: number;
  /** Replaces every default deadline, hello's included (GRAPH_BRIDGE_BROKER_TIMEOUT_MS; tests). */
  deadlineMs?: number;
}

export function unavailable(message: string): Outcome<never> {
  return { ok: false, error: { code: 'BROKER_UNAVAILABLE', message } };
}

export const connectionLost = (): Outcome<never> => unavailable(`Lost the connection to Graph Bridge. ${START_HINT}`);

/** What the user should check when the broker does not answer in time. */
export function timeoutFailure(method: string, timeoutMs: number): Outcome<never> {
  const seconds = Math.max(1, Math.round(timeoutMs / 1000));
  const what = method === 'approval.request' ? 'the approval request' : `a ${method} request`;
  const nothing = method === 'approval.request' ? ', so nothing was sent' : '';
  return unavailable(
    `Graph Bridge did not answer ${what} within ${seconds} s${nothing}. It may be stopped or stuck: check that ` +
      'Graph Bridge is running and responsive (its tray icon, or the terminal running `graph-bridge agent`), ' +
      'restart it if it is not, then try again.',
  );
}

/** Rejects with the signal's reason when it aborts first. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.finally(() => signal.removeEventListener('abort', onAbort)).then(resolve, reject);
  });
}

/**
 * The deadline of one broker call: `deadlineMs` when set, else the method's default — for
 * approval.request the approval window the approved hello announced plus APPROVAL_DEADLINE_MARGIN_MS.
 */
export function deadlineFor(method: MethodName, hello: HelloResult | undefined, options: DeadlineOptions): number {
  if (options.deadlineMs !== undefined) return options.deadlineMs;
  if (method === 'hello') return options.helloTimeoutMs ?? BROKER_DEADLINES_MS.hello;
  if (method !== 'approval.request') return BROKER_DEADLINES_MS[method];
  const window = hello?.approval === 'approved' ? hello.approvalTimeoutSeconds * 1000 : FALLBACK_APPROVAL_WINDOW_MS;
  return window + APPROVAL_DEADLINE_MARGIN_MS;
}

const RESULT_SCHEMAS = {
  hello: resultSchema(METHODS.hello.result),
  'tools.declare': resultSchema(METHODS['tools.declare'].result),
  'session.get': resultSchema(METHODS['session.get'].result),
  'token.get': resultSchema(METHODS['token.get'].result),
  'approval.request': resultSchema(METHODS['approval.request'].result),
  'audit.record': resultSchema(METHODS['audit.record'].result),
  'status.get': resultSchema(METHODS['status.get'].result),
} as const satisfies Record<MethodName, unknown>;

/** The broker's answer checked against the contract; a wrong shape means mismatched versions. */
export function parseResult<M extends MethodName>(method: M, raw: unknown): Outcome<MethodValue<M>> {
  const parsed = RESULT_SCHEMAS[method].safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'PROTOCOL_MISMATCH',
        message: `The Graph Bridge broker answered ${method} in an unexpected shape; update Graph Bridge and the editor's bridge to the same version.`,
      },
    };
  }
  return parsed.data as Outcome<MethodValue<M>>;
}

/** One request on `conn`, parsed; timeouts and protocol errors become failures, a lost connection 'lost'. */
export async function request<M extends MethodName>(
  conn: RpcClient,
  log: Logger,
  method: M,
  params: unknown,
  opts: { timeoutMs: number; signal?: AbortSignal },
): Promise<Outcome<MethodValue<M>> | 'lost'> {
  try {
    return parseResult(method, await conn.call(method, params, opts));
  } catch (error) {
    if (error instanceof RequestTimeoutError) {
      log.warn(`broker did not answer ${method} within ${opts.timeoutMs} ms`);
      return timeoutFailure(method, opts.timeoutMs);
    }
    if (error instanceof ConnectionClosedError) return 'lost';
    if (error instanceof RpcProtocolError) {
      return {
        ok: false,
        error: { code: 'BAD_REQUEST', message: `The broker rejected ${method}: ${error.message}` },
      };
    }
    throw error;
  }
}
