/**
 * The bridge's side of the broker IPC (protocol v1, app/shared/bridge-contract.ts).
 *
 * Lazy: nothing happens until the first call. Each (re)connection checks the private dir, re-reads
 * broker.key (a new key is written at every broker start), connects, sends `hello` and then the tool
 * catalog (`tools.declare`). When the broker restarts, the old connection closes and the next call
 * reconnects. When the broker is absent, calls fail fast with BROKER_UNAVAILABLE — or, when a launch
 * command is configured, the bridge starts Graph Bridge and waits briefly for its socket.
 *
 * Deadlines: every call has one (BROKER_DEADLINES_MS; approval.request: the approval window the
 * broker announced in hello + APPROVAL_DEADLINE_MARGIN_MS), so a stopped or stuck broker is a
 * BROKER_UNAVAILABLE failure that says what to check, never a hang. A caller's AbortSignal ends the
 * wait at once (the call rejects with the signal's reason).
 */
import type { Duplex } from 'node:stream';
import {
  METHODS,
  resultSchema,
  type BrokerError,
  type HelloResult,
  type MethodName,
  type MethodParams,
  type MethodValue,
  type ToolCatalogEntry,
} from '../../app/shared/bridge-contract.ts';
import { PROTOCOL_VERSION, type BrokerErrorCode } from '../../app/shared/constants.ts';
import type { BrokerEndpoint } from '../../app/shared/endpoint.ts';
import type { Result } from '../../app/shared/result.ts';
import { type Logger, describeError } from '../log.ts';
import type { PrivateCheckDeps } from '../../app/shared/private-dir.ts';
import { checkBrokerDir } from './broker-trust.ts';
import {
  ConnectionClosedError,
  createRpcClient,
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

export interface BrokerClientOptions {
  endpoint: BrokerEndpoint;
  /** Opens the socket / pipe; rejects quickly (ENOENT/ECONNREFUSED) when nothing listens. */
  connect(path: string): Promise<Duplex>;
  readFile(path: string): Promise<string>;
  privateDir: PrivateCheckDeps;
  /** Who we are: the editor name comes from MCP initialize.clientInfo (known only after initialize). */
  clientInfo(): { name: string; version: string };
  pid: number;
  /** The catalog sent with tools.declare after every hello. */
  tools: readonly ToolCatalogEntry[];
  /**
   * This editor's credential (GRAPH_BRIDGE_EDITOR_KEY from its MCP entry, written by `graph-bridge
   * connect`), sent in hello so the broker recognises the editor; never logged, never in a tool result.
   */
  editorKey?: string;
  /** Starts Graph Bridge (GRAPH_BRIDGE_LAUNCH); undefined when not configured. */
  launch?: () => void;
  log: Logger;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** How long to wait for the socket after launching (default 10 s). */
  launchWaitMs?: number;
  /** Answer deadline for hello (default 5 s). */
  helloTimeoutMs?: number;
  /** Replaces every default deadline, hello's included (GRAPH_BRIDGE_BROKER_TIMEOUT_MS; tests). */
  deadlineMs?: number;
}

export interface CallOptions {
  /** Cancels the wait (the call rejects with the signal's reason; the broker may still act on it). */
  signal?: AbortSignal;
  /** Overrides the method's default deadline. */
  timeoutMs?: number;
}

type CallableMethod = Exclude<MethodName, 'hello' | 'tools.declare'>;

export interface BrokerClient {
  /**
   * The broker's current answer for this session (connecting if needed). Re-read with session.get
   * while the client is not approved — so a bridge approved after its hello learns it at its next
   * call — and when `refresh` is set.
   */
  session(options?: { refresh?: boolean; signal?: AbortSignal }): Promise<Outcome<HelloResult>>;
  call<M extends CallableMethod>(
    method: M,
    params: MethodParams<M>,
    options?: CallOptions,
  ): Promise<Outcome<MethodValue<M>>>;
  /** Called with every answer of hello and session.get (the bridge re-lists its tools from it). */
  onSession(listener: (hello: HelloResult) => void): () => void;
  close(): void;
}

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

interface Session {
  conn: RpcClient;
  hello: HelloResult;
}

function unavailable(message: string): Outcome<never> {
  return { ok: false, error: { code: 'BROKER_UNAVAILABLE', message } };
}

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
export function deadlineFor(
  method: MethodName,
  hello: HelloResult | undefined,
  options: Pick<BrokerClientOptions, 'deadlineMs' | 'helloTimeoutMs'>,
): number {
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

export function createBrokerClient(options: BrokerClientOptions): BrokerClient {
  const { endpoint, log } = options;
  let current: Session | undefined;
  let connecting: Promise<Outcome<Session>> | undefined;
  let lastLaunch = Number.NEGATIVE_INFINITY;
  const listeners = new Set<(hello: HelloResult) => void>();

  const emit = (hello: HelloResult): void => {
    for (const l of listeners) {
      try {
        l(hello);
      } catch (error) {
        log.warn(`session listener failed: ${describeError(error)}`);
      }
    }
  };

  const parseResult = <M extends MethodName>(method: M, raw: unknown): Outcome<MethodValue<M>> => {
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
  };

  const deadlineOf = (method: MethodName, hello: HelloResult | undefined): number =>
    deadlineFor(method, hello, options);

  /** One request on `conn`, parsed; timeouts and protocol errors become failures, a lost connection 'lost'. */
  const request = async <M extends MethodName>(
    conn: RpcClient,
    method: M,
    params: unknown,
    opts: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<Outcome<MethodValue<M>> | 'lost'> => {
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
  };

  const tryOnce = async (): Promise<Outcome<Session> | 'absent'> => {
    const trust = await checkBrokerDir(endpoint.dir, endpoint.keyPath, options.privateDir);
    if (!trust.ok) {
      if (trust.missing) return 'absent';
      return { ok: false, error: { code: 'BROKER_UNTRUSTED', message: trust.message } };
    }
    let key: string;
    try {
      key = (await options.readFile(endpoint.keyPath)).trim();
    } catch {
      return 'absent';
    }
    let stream: Duplex;
    try {
      stream = await options.connect(endpoint.path);
    } catch (error) {
      log.debug(`connect ${endpoint.path}: ${describeError(error)}`);
      return 'absent';
    }
    const conn = createRpcClient(stream);
    const info = options.clientInfo();
    const params: MethodParams<'hello'> = {
      protocolVersion: PROTOCOL_VERSION,
      key,
      client: { name: info.name || 'unknown-editor', version: info.version, pid: options.pid },
      ...(options.editorKey === undefined ? {} : { editorKey: options.editorKey }),
    };
    let raw: unknown;
    const helloTimeoutMs = deadlineOf('hello', undefined);
    try {
      raw = await conn.call('hello', params, { timeoutMs: helloTimeoutMs });
    } catch (error) {
      conn.close();
      if (error instanceof RpcProtocolError) {
        return {
          ok: false,
          error: {
            code: 'PROTOCOL_MISMATCH',
            message: `The Graph Bridge broker refused this bridge (${error.message}). Restart Graph Bridge; if it persists, update it so the app and the bridge match.`,
          },
        };
      }
      if (error instanceof RequestTimeoutError) return timeoutFailure('hello', helloTimeoutMs);
      return unavailable(`Graph Bridge did not answer (${describeError(error)}). ${START_HINT}`);
    }
    const hello = parseResult('hello', raw);
    if (!hello.ok) {
      conn.close();
      return hello;
    }
    // The catalog goes after hello: hello must fit the broker's small pre-hello frame cap.
    const declared = await request(
      conn,
      'tools.declare',
      { tools: [...options.tools] },
      {
        timeoutMs: deadlineOf('tools.declare', hello.value),
      },
    );
    if (declared === 'lost') return unavailable(`Lost the connection to Graph Bridge. ${START_HINT}`);
    if (!declared.ok) {
      conn.close();
      return declared;
    }
    const session: Session = { conn, hello: hello.value };
    conn.onClose(() => {
      if (current === session) current = undefined;
      log.info('broker connection closed; the next call reconnects');
    });
    log.info(`connected to broker ${hello.value.brokerVersion} (client ${hello.value.approval})`);
    return { ok: true, value: session };
  };

  const connectNow = async (): Promise<Outcome<Session>> => {
    const first = await tryOnce();
    if (first !== 'absent') return first;
    if (!options.launch) return unavailable(`Graph Bridge is not running. ${START_HINT}`);
    const now = options.now();
    const waitMs = options.launchWaitMs ?? 10_000;
    if (now - lastLaunch > waitMs) {
      lastLaunch = now;
      log.info('broker absent; launching Graph Bridge');
      try {
        options.launch();
      } catch (error) {
        return unavailable(`Could not start Graph Bridge (${describeError(error)}). ${START_HINT}`);
      }
    }
    const deadline = now + waitMs;
    while (options.now() < deadline) {
      await options.sleep(250);
      const next = await tryOnce();
      if (next !== 'absent') return next;
    }
    return unavailable(
      `Graph Bridge was started but its broker did not come up within ${Math.round(waitMs / 1000)} s. ${START_HINT}`,
    );
  };

  /** The live session; `created` when this call had to connect (its hello is fresh). */
  const ensure = async (): Promise<{ outcome: Outcome<Session>; created: boolean }> => {
    if (current && !current.conn.isClosed) return { outcome: { ok: true, value: current }, created: false };
    connecting ??= connectNow()
      .then((outcome) => {
        if (outcome.ok) {
          current = outcome.value;
          emit(outcome.value.hello);
        }
        return outcome;
      })
      .finally(() => {
        connecting = undefined;
      });
    return { outcome: await connecting, created: true };
  };

  const refresh = async (s: Session, signal: AbortSignal | undefined): Promise<Outcome<HelloResult>> => {
    const r = await request(s.conn, 'session.get', {}, { timeoutMs: deadlineOf('session.get', s.hello), signal });
    if (r === 'lost') return unavailable(`Lost the connection to Graph Bridge. ${START_HINT}`);
    if (!r.ok) return r;
    s.hello = r.value;
    emit(r.value);
    return r;
  };

  const callOnce = async <M extends CallableMethod>(
    method: M,
    params: MethodParams<M>,
    opts: CallOptions,
  ): Promise<Outcome<MethodValue<M>> | 'lost'> => {
    const { outcome: s } = await raceAbort(ensure(), opts.signal);
    if (!s.ok) return s;
    const timeoutMs = opts.timeoutMs ?? deadlineOf(method, s.value.hello);
    return request(s.value.conn, method, params, { timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) });
  };

  const client: BrokerClient = {
    async session(opts = {}) {
      const { outcome: s, created } = await raceAbort(ensure(), opts.signal);
      if (!s.ok) return s;
      if (!created && (opts.refresh === true || s.value.hello.approval !== 'approved')) {
        return refresh(s.value, opts.signal);
      }
      return { ok: true, value: s.value.hello };
    },
    async call(method, params, opts = {}) {
      let result = await callOnce(method, params, opts);
      // The broker went away mid-call (restart): reconnect once and retry.
      if (result === 'lost') result = await callOnce(method, params, opts);
      if (result === 'lost') return unavailable(`Lost the connection to Graph Bridge. ${START_HINT}`);
      if (!result.ok && (result.error.code === 'READ_ONLY' || result.error.code === 'GROUP_DISABLED')) {
        // The broker's settings changed since our hello: re-read them so the tool list follows.
        await client.session({ refresh: true }).catch(() => undefined);
      }
      return result;
    },
    onSession(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      current?.conn.close();
      current = undefined;
    },
  };
  return client;
}
