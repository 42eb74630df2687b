/**
 * The bridge's side of the broker IPC (protocol v1, app/shared/bridge-contract.ts). Parts: broker-calls.ts
 * (one request: deadline, parsed answer, failures), broker-session.ts (connect, hello, tools.declare,
 * launch, the one live session), and here the client: calls with one retry after a broker restart,
 * session re-reads.
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
import type { HelloResult, MethodName, MethodParams, MethodValue } from '../../app/shared/bridge-contract.ts';
import { describeError } from '../log.ts';
import { connectionLost, deadlineFor, raceAbort, request, type Outcome } from './broker-calls.ts';
import { createLiveSession, type LaunchOptions, type Session, type SessionOpenOptions } from './broker-session.ts';

export {
  APPROVAL_DEADLINE_MARGIN_MS,
  BROKER_DEADLINES_MS,
  deadlineFor,
  raceAbort,
  START_HINT,
  timeoutFailure,
  type BridgeFailure,
  type BridgeFailureCode,
  type Outcome,
} from './broker-calls.ts';

export interface BrokerClientOptions extends SessionOpenOptions, LaunchOptions {}

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
  /**
   * Connects now if the broker is running — never launching it — so that the first call finds the
   * session ready (the bridge warms up while the model thinks). Resolves to hello's answer, or
   * undefined when there is none (absent, untrusted, refused: the next call connects and reports it).
   */
  warm(): Promise<HelloResult | undefined>;
  close(): void;
}

/** Session listeners; one that throws is logged and the others still run. */
function createSessionListeners(options: BrokerClientOptions) {
  const listeners = new Set<(hello: HelloResult) => void>();
  return {
    add(listener: (hello: HelloResult) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(hello: HelloResult): void {
      for (const l of listeners) {
        try {
          l(hello);
        } catch (error) {
          options.log.warn(`session listener failed: ${describeError(error)}`);
        }
      }
    },
  };
}

export function createBrokerClient(options: BrokerClientOptions): BrokerClient {
  const { log } = options;
  const listeners = createSessionListeners(options);
  const live = createLiveSession(options, (hello) => listeners.emit(hello));

  const refresh = async (s: Session, signal: AbortSignal | undefined): Promise<Outcome<HelloResult>> => {
    const timeoutMs = deadlineFor('session.get', s.hello, options);
    const r = await request(s.conn, log, 'session.get', {}, { timeoutMs, signal });
    if (r === 'lost') return connectionLost();
    if (!r.ok) return r;
    s.hello = r.value;
    listeners.emit(r.value);
    return r;
  };

  const callOnce = async <M extends CallableMethod>(
    method: M,
    params: MethodParams<M>,
    opts: CallOptions,
  ): Promise<Outcome<MethodValue<M>> | 'lost'> => {
    const { outcome: s } = await raceAbort(live.ensure(), opts.signal);
    if (!s.ok) return s;
    const timeoutMs = opts.timeoutMs ?? deadlineFor(method, s.value.hello, options);
    return request(s.value.conn, log, method, params, { timeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) });
  };

  const client: BrokerClient = {
    async session(opts = {}) {
      const { outcome: s, created } = await raceAbort(live.ensure(), opts.signal);
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
      if (result === 'lost') return connectionLost();
      if (!result.ok && (result.error.code === 'READ_ONLY' || result.error.code === 'GROUP_DISABLED')) {
        // The broker's settings changed since our hello: re-read them so the tool list follows.
        await client.session({ refresh: true }).catch(() => undefined);
      }
      return result;
    },
    onSession: (listener) => listeners.add(listener),
    warm: () => live.warm(),
    close: () => live.close(),
  };
  return client;
}
