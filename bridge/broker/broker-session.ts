/**
 * Opening a session with the broker. Each (re)connection checks the private dir, re-reads broker.key
 * (a new key is written at every broker start), connects, sends `hello` and then the tool catalog
 * (`tools.declare`). When the broker is absent it fails fast with BROKER_UNAVAILABLE — or, when a
 * launch command is configured, starts Graph Bridge (at most once per wait) and waits briefly for its
 * socket.
 */
import type { Duplex } from 'node:stream';
import { PROTOCOL_VERSION } from '../../app/shared/constants.ts';
import type { BrokerEndpoint } from '../../app/shared/endpoint.ts';
import type { HelloResult, MethodParams, ToolCatalogEntry } from '../../app/shared/bridge-contract.ts';
import type { Logger } from '../log.ts';
import { describeError } from '../log.ts';
import {
  connectionLost,
  deadlineFor,
  parseResult,
  request,
  START_HINT,
  timeoutFailure,
  unavailable,
  type DeadlineOptions,
  type Outcome,
} from './broker-calls.ts';
import type { PrivateCheckDeps } from '../../app/shared/private-dir.ts';
import { checkBrokerDir } from './broker-trust.ts';
import { createRpcClient, RequestTimeoutError, RpcProtocolError, type RpcClient } from '../../app/shared/rpc-client.ts';

export interface SessionOpenOptions extends DeadlineOptions {
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
  log: Logger;
}

export interface LaunchOptions {
  /** Starts Graph Bridge (GRAPH_BRIDGE_LAUNCH); undefined when not configured. */
  launch?: () => void;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** How long to wait for the socket after launching (default 10 s). */
  launchWaitMs?: number;
}

export interface Session {
  conn: RpcClient;
  hello: HelloResult;
}

/** The broker's key and an open stream; 'absent' while nothing is there; BROKER_UNTRUSTED for a bad dir. */
async function reach(o: SessionOpenOptions): Promise<{ key: string; stream: Duplex } | 'absent' | Outcome<never>> {
  const { endpoint } = o;
  const trust = await checkBrokerDir(endpoint.dir, endpoint.keyPath, o.privateDir);
  if (!trust.ok) {
    if (trust.missing) return 'absent';
    return { ok: false, error: { code: 'BROKER_UNTRUSTED', message: trust.message } };
  }
  let key: string;
  try {
    key = (await o.readFile(endpoint.keyPath)).trim();
  } catch {
    return 'absent';
  }
  try {
    return { key, stream: await o.connect(endpoint.path) };
  } catch (error) {
    o.log.debug(`connect ${endpoint.path}: ${describeError(error)}`);
    return 'absent';
  }
}

/** hello with the key and who we are; the connection is closed when it fails. */
async function sayHello(o: SessionOpenOptions, conn: RpcClient, key: string): Promise<Outcome<HelloResult>> {
  const info = o.clientInfo();
  const params: MethodParams<'hello'> = {
    protocolVersion: PROTOCOL_VERSION,
    key,
    client: { name: info.name || 'unknown-editor', version: info.version, pid: o.pid },
    ...(o.editorKey === undefined ? {} : { editorKey: o.editorKey }),
  };
  const helloTimeoutMs = deadlineFor('hello', undefined, o);
  let raw: unknown;
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
  if (!hello.ok) conn.close();
  return hello;
}

/** One attempt: reach, hello, tools.declare. `onClose` runs when the session's connection closes. */
export async function openSession(
  o: SessionOpenOptions,
  onClose: (session: Session) => void,
): Promise<Outcome<Session> | 'absent'> {
  const reached = await reach(o);
  if (reached === 'absent' || 'ok' in reached) return reached;
  const conn = createRpcClient(reached.stream);
  const hello = await sayHello(o, conn, reached.key);
  if (!hello.ok) return hello;
  // The catalog goes after hello: hello must fit the broker's small pre-hello frame cap.
  const declared = await request(
    conn,
    o.log,
    'tools.declare',
    { tools: [...o.tools] },
    {
      timeoutMs: deadlineFor('tools.declare', hello.value, o),
    },
  );
  if (declared === 'lost') return connectionLost();
  if (!declared.ok) {
    conn.close();
    return declared;
  }
  const session: Session = { conn, hello: hello.value };
  conn.onClose(() => onClose(session));
  o.log.info(`connected to broker ${hello.value.brokerVersion} (client ${hello.value.approval})`);
  return { ok: true, value: session };
}

/**
 * Opens a session; when the broker is absent and a launch command is configured, starts Graph Bridge
 * (not again within one wait) and tries every 250 ms until `launchWaitMs` has passed.
 */
export function createConnector(
  o: SessionOpenOptions & LaunchOptions,
  onClose: (session: Session) => void,
): () => Promise<Outcome<Session>> {
  let lastLaunch = Number.NEGATIVE_INFINITY;
  return async () => {
    const first = await openSession(o, onClose);
    if (first !== 'absent') return first;
    if (!o.launch) return unavailable(`Graph Bridge is not running. ${START_HINT}`);
    const now = o.now();
    const waitMs = o.launchWaitMs ?? 10_000;
    if (now - lastLaunch > waitMs) {
      lastLaunch = now;
      o.log.info('broker absent; launching Graph Bridge');
      try {
        o.launch();
      } catch (error) {
        return unavailable(`Could not start Graph Bridge (${describeError(error)}). ${START_HINT}`);
      }
    }
    const deadline = now + waitMs;
    while (o.now() < deadline) {
      await o.sleep(250);
      const next = await openSession(o, onClose);
      if (next !== 'absent') return next;
    }
    return unavailable(
      `Graph Bridge was started but its broker did not come up within ${Math.round(waitMs / 1000)} s. ${START_HINT}`,
    );
  };
}

export interface LiveSession {
  /** The live session; `created` when this call had to connect (its hello is fresh). */
  ensure(): Promise<{ outcome: Outcome<Session>; created: boolean }>;
  /** Opens the session now if the broker runs, never launching it (BrokerClient.warm). */
  warm(): Promise<HelloResult | undefined>;
  close(): void;
}

/**
 * The one live session: reused while its connection is open, else opened again (concurrent callers
 * share one attempt). `onOpened` gets each new session's hello.
 */
export function createLiveSession(
  o: SessionOpenOptions & LaunchOptions,
  onOpened: (hello: HelloResult) => void,
): LiveSession {
  let current: Session | undefined;
  let connecting: Promise<Outcome<Session>> | undefined;
  let warming: Promise<HelloResult | undefined> | undefined;
  let closed = false;
  const onClose = (session: Session): void => {
    if (current === session) current = undefined;
    o.log.info('broker connection closed; the next call reconnects');
  };
  const connect = createConnector(o, onClose);
  const adopt = (session: Session): void => {
    current = session;
    onOpened(session.hello);
  };
  const live = (): Session | undefined => (current && !current.conn.isClosed ? current : undefined);
  return {
    async ensure() {
      if (warming) await warming;
      const open = live();
      if (open) return { outcome: { ok: true, value: open }, created: false };
      connecting ??= connect()
        .then((outcome) => {
          if (outcome.ok) adopt(outcome.value);
          return outcome;
        })
        .finally(() => {
          connecting = undefined;
        });
      return { outcome: await connecting, created: true };
    },
    warm() {
      const open = live();
      if (open) return Promise.resolve(open.hello);
      if (connecting) return connecting.then((outcome) => (outcome.ok ? outcome.value.hello : undefined));
      warming ??= warmOnce(o, onClose, () => closed, adopt).finally(() => {
        warming = undefined;
      });
      return warming;
    },
    close() {
      closed = true;
      current?.conn.close();
      current = undefined;
    },
  };
}

/** One attempt to open the session without launching; undefined when there is none (or the client closed). */
async function warmOnce(
  o: SessionOpenOptions,
  onClose: (session: Session) => void,
  isClosed: () => boolean,
  adopt: (session: Session) => void,
): Promise<HelloResult | undefined> {
  try {
    const outcome = await openSession(o, onClose);
    if (outcome === 'absent' || !outcome.ok) return undefined;
    if (isClosed()) {
      outcome.value.conn.close();
      return undefined;
    }
    adopt(outcome.value);
    return outcome.value.hello;
  } catch (error) {
    o.log.debug(`warming the broker session: ${describeError(error)}`);
    return undefined;
  }
}
