/**
 * The bridge's side of the broker IPC (protocol v1, app/broker/protocol.ts).
 *
 * Lazy: nothing happens until the first call. Each (re)connection checks the private dir, re-reads
 * broker.key (a new key is written at every broker start), connects, and sends `hello`. When the
 * broker restarts, the old connection closes and the next call reconnects. When the broker is absent,
 * calls fail fast with BROKER_UNAVAILABLE — or, when a launch command is configured, the bridge starts
 * Graph Bridge and waits briefly for its socket.
 */
import type { Duplex } from 'node:stream';
import {
  METHODS,
  PROTOCOL_VERSION,
  resultSchema,
  type BrokerEndpoint,
  type BrokerError,
  type BrokerErrorCode,
  type HelloResult,
  type MethodName,
  type MethodParams,
  type MethodValue,
  type ToolCatalogEntry,
} from '../../app/broker/protocol.ts';
import type { Logger } from '../log.ts';
import { describeError } from '../log.ts';
import { checkBrokerDir, type PrivateDirDeps } from './private-dir.ts';
import { ConnectionClosedError, createRpcConnection, RpcProtocolError, type RpcConnection } from './rpc-connection.ts';

export type BridgeFailureCode = BrokerErrorCode | 'BROKER_UNAVAILABLE' | 'BROKER_UNTRUSTED';

export interface BridgeFailure extends Omit<BrokerError, 'code'> {
  code: BridgeFailureCode;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: BridgeFailure };

export const START_HINT =
  'Start Graph Bridge from its tray icon (open the Graph Bridge app) or run `graph-bridge agent` in a terminal, then try again.';

export interface BrokerClientOptions {
  endpoint: BrokerEndpoint;
  /** Opens the socket / pipe; rejects quickly (ENOENT/ECONNREFUSED) when nothing listens. */
  connect(path: string): Promise<Duplex>;
  readFile(path: string): Promise<string>;
  privateDir: PrivateDirDeps;
  /** Who we are: the editor name comes from MCP initialize.clientInfo (known only after initialize). */
  clientInfo(): { name: string; version: string };
  pid: number;
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
  /** Answer timeout for hello (default 5 s). */
  helloTimeoutMs?: number;
}

export interface BrokerClient {
  /** The current session's hello result (connecting if needed). */
  session(): Promise<Outcome<HelloResult>>;
  call<M extends Exclude<MethodName, 'hello'>>(method: M, params: MethodParams<M>): Promise<Outcome<MethodValue<M>>>;
  close(): void;
}

interface Session {
  conn: RpcConnection;
  hello: HelloResult;
}

function unavailable(message: string): Outcome<never> {
  return { ok: false, error: { code: 'BROKER_UNAVAILABLE', message } };
}

const RESULT_SCHEMAS = {
  hello: resultSchema(METHODS.hello.result),
  'token.get': resultSchema(METHODS['token.get'].result),
  'approval.request': resultSchema(METHODS['approval.request'].result),
  'audit.record': resultSchema(METHODS['audit.record'].result),
  'status.get': resultSchema(METHODS['status.get'].result),
} as const;

export function createBrokerClient(options: BrokerClientOptions): BrokerClient {
  const { endpoint, log } = options;
  let current: Session | undefined;
  let connecting: Promise<Outcome<Session>> | undefined;
  let lastLaunch = Number.NEGATIVE_INFINITY;

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
    const conn = createRpcConnection(stream);
    const info = options.clientInfo();
    const params: MethodParams<'hello'> = {
      protocolVersion: PROTOCOL_VERSION,
      key,
      client: { name: info.name || 'unknown-editor', version: info.version, pid: options.pid },
      tools: [...options.tools],
      ...(options.editorKey === undefined ? {} : { editorKey: options.editorKey }),
    };
    let raw: unknown;
    try {
      raw = await conn.request('hello', params, options.helloTimeoutMs ?? 5000);
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
      return unavailable(`Graph Bridge did not answer (${describeError(error)}). ${START_HINT}`);
    }
    const hello = parseResult('hello', raw);
    if (!hello.ok) {
      conn.close();
      return hello;
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

  const ensure = async (): Promise<Outcome<Session>> => {
    if (current && !current.conn.closed) return { ok: true, value: current };
    connecting ??= connectNow().finally(() => {
      connecting = undefined;
    });
    const outcome = await connecting;
    if (outcome.ok) current = outcome.value;
    return outcome;
  };

  const callOnce = async <M extends Exclude<MethodName, 'hello'>>(
    method: M,
    params: MethodParams<M>,
  ): Promise<Outcome<MethodValue<M>> | 'lost'> => {
    const s = await ensure();
    if (!s.ok) return s;
    try {
      const raw = await s.value.conn.request(method, params);
      return parseResult(method, raw);
    } catch (error) {
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

  return {
    async session() {
      const s = await ensure();
      return s.ok ? { ok: true, value: s.value.hello } : s;
    },
    async call(method, params) {
      const first = await callOnce(method, params);
      if (first !== 'lost') return first;
      // The broker went away mid-call (restart): reconnect once and retry.
      const second = await callOnce(method, params);
      if (second !== 'lost') return second;
      return unavailable(`Lost the connection to Graph Bridge. ${START_HINT}`);
    },
    close() {
      current?.conn.close();
      current = undefined;
    },
  };
}
