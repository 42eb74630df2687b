/**
 * The fast start: a small stdio JSON-RPC front that serves what editors send — `initialize`,
 * `notifications/initialized`, `ping`, `tools/list` from the recorded manifest, `tools/call` through
 * the engine (engine.ts, loaded at the first need), `notifications/cancelled` for those calls, "Method
 * not found" for methods the real server has no handler for — so an editor's session normally never
 * waits for, or even loads, the MCP SDK. Any request it does not fully recognise (a malformed
 * `initialize`, `_meta` it does not know, a method the SDK serves but the front does not, a line over
 * 1 MiB) hands the stream over to the real McpServer (full.ts), which then serves every later message.
 *
 * The front answers only messages the SDK would accept, with what the SDK would send (the manifest is
 * the real server's own answer; tool-call.ts follows McpServer's tools/call;
 * test/unit/bridge/fast-start.test.ts compares every answer with the real server's). A line that is
 * not a request (bad JSON, a response, an unknown notification) is dropped, as the SDK drops it: it
 * answers nothing to those either.
 *
 * Handover: the real server first reads the last `initialize` the front answered (re-sent with the id
 * REPLAYED_INITIALIZE_ID, its answer is dropped by full.ts) and `notifications/initialized`, so it
 * knows the client's name and capabilities; then the unanswered bytes, unchanged. Calls the engine is
 * still running finish there (their cancellations are still honoured). No zod, no SDK here.
 */
import {
  negotiateProtocolVersion,
  selectListings,
  type FastStartManifest,
  type FastStartSelection,
} from './manifest.ts';

/** Id of the replayed initialize; full.ts drops the answer to it. */
export const REPLAYED_INITIALIZE_ID = 'graph-bridge:replayed-initialize';

/** Above this many buffered bytes without a newline the SDK takes over (it has its own limit). */
const MAX_FRONT_LINE_BYTES = 1024 * 1024;

export interface ToolCallRequest {
  name: string;
  arguments: Record<string, unknown> | undefined;
}

export interface FrontOptions<S extends FastStartSelection = FastStartSelection> {
  manifest: FastStartManifest;
  selection: S;
  /** Writes one serialized JSON-RPC message (stdout). */
  write(text: string): void;
  /**
   * Serves a tools/call the front accepted: resolves to the result McpServer would send. `signal`
   * aborts when the client cancels it (then nothing is written). A rejection is the engine failing to
   * load (main.ts reports it and exits).
   */
  callTool(call: ToolCallRequest, signal: AbortSignal): Promise<unknown>;
  /** After the first tools/list answer: the editor is idle now (main.ts warms the engine). */
  onListed?(): void;
  /**
   * Called once, with the bytes the real server must read first (replayed handshake + every byte not
   * answered yet). Returns where later input goes.
   */
  handover(first: Buffer): (chunk: Buffer) => void;
}

export interface Front<S extends FastStartSelection = FastStartSelection> {
  /** Feeds bytes read from stdin. */
  push(chunk: Buffer): void;
  readonly handedOver: boolean;
  /** What tools/list lists now. */
  readonly selection: S;
  /** The editor from the last initialize answered (name, version), if any. */
  clientInfo(): { name: string; version: string } | undefined;
  /**
   * Lists `next` from now on; when it differs (and the front still serves), the editor gets
   * `notifications/tools/list_changed`, as the SDK sends it. Returns whether it changed.
   */
  setSelection(next: S): boolean;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const hasOnly = (o: Json, keys: readonly string[]): boolean => Object.keys(o).every((k) => keys.includes(k));
const optional = (v: unknown, check: (x: unknown) => boolean): boolean => v === undefined || check(v);
const isString = (v: unknown): boolean => typeof v === 'string';
const isBoolean = (v: unknown): boolean => typeof v === 'boolean';
const isRecordOfObjects = (v: unknown): boolean => isObject(v) && Object.values(v).every(isObject);

/** Client capabilities the SDK's ClientCapabilitiesSchema certainly accepts (a strict subset). */
function simpleCapabilities(c: unknown): boolean {
  if (!isObject(c) || !hasOnly(c, ['roots', 'sampling', 'elicitation', 'experimental', 'extensions'])) return false;
  const { roots, sampling, elicitation } = c;
  return (
    optional(roots, (r) => isObject(r) && hasOnly(r, ['listChanged']) && optional(r.listChanged, isBoolean)) &&
    optional(
      sampling,
      (s) =>
        isObject(s) && hasOnly(s, ['context', 'tools']) && optional(s.context, isObject) && optional(s.tools, isObject),
    ) &&
    optional(
      elicitation,
      (e) =>
        isObject(e) &&
        hasOnly(e, ['form', 'url']) &&
        optional(e.form, (f) => isObject(f) && optional(f.applyDefaults, isBoolean)) &&
        optional(e.url, isObject),
    ) &&
    optional(c.experimental, isRecordOfObjects) &&
    optional(c.extensions, isRecordOfObjects)
  );
}

/** Initialize params the SDK's InitializeRequestParamsSchema certainly accepts (a strict subset). */
function simpleInitializeParams(p: Json): p is Json & { protocolVersion: string } {
  const info = p.clientInfo;
  return (
    hasOnly(p, ['protocolVersion', 'capabilities', 'clientInfo']) &&
    typeof p.protocolVersion === 'string' &&
    simpleCapabilities(p.capabilities) &&
    isObject(info) &&
    hasOnly(info, ['name', 'title', 'version', 'websiteUrl', 'description']) &&
    typeof info.name === 'string' &&
    typeof info.version === 'string' &&
    optional(info.title, isString) &&
    optional(info.websiteUrl, isString) &&
    optional(info.description, isString)
  );
}

type RequestId = string | number;

type Decision =
  | { kind: 'answer'; id: RequestId; result: Json; initialize?: Json }
  | { kind: 'error'; id: RequestId; code: number; message: string }
  | { kind: 'call'; id: RequestId; call: ToolCallRequest }
  | { kind: 'initialized' }
  | { kind: 'cancelled'; requestId: RequestId; reason: string | undefined }
  | { kind: 'drop' }
  | { kind: 'handover' };

const HANDOVER: Decision = { kind: 'handover' };
const DROP: Decision = { kind: 'drop' };

const isRequestId = (id: unknown): id is RequestId =>
  typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id));

/** The methods the front serves itself (the rest of manifest.methods goes to the SDK). */
const SERVED = new Set(['initialize', 'ping', 'tools/list', 'tools/call']);

/**
 * tools/call params the SDK certainly accepts and McpServer serves from its tool map: a name that is
 * not an Object.prototype key (the SDK looks tools up in a plain object), arguments a JSON object
 * without an own `__proto__` (the SDK's record parse would drop it), `_meta` at most a progress token.
 */
function simpleToolCall(p: Json): ToolCallRequest | undefined {
  const { name, arguments: args, _meta: meta } = p;
  if (!hasOnly(p, ['name', 'arguments', '_meta']) || typeof name !== 'string' || name in Object.prototype) return;
  if (args !== undefined && (!isObject(args) || Object.prototype.hasOwnProperty.call(args, '__proto__'))) return;
  if (meta !== undefined && !(isObject(meta) && hasOnly(meta, ['progressToken']) && isRequestId(meta.progressToken)))
    return;
  return { name, arguments: args };
}

/**
 * notifications/cancelled params as CancelledNotificationSchema parses them (extra keys stripped); a
 * notification that does not parse does nothing, as in the SDK.
 */
function cancellation(params: Json): Decision {
  if ('_meta' in params) return HANDOVER;
  const { requestId, reason } = params;
  if (!optional(requestId, isRequestId) || !optional(reason, isString)) return DROP;
  // Protocol._oncancel: no (or a falsy) requestId cancels nothing.
  if (requestId === undefined || requestId === '' || requestId === 0) return DROP;
  return { kind: 'cancelled', requestId: requestId as RequestId, reason: reason as string | undefined };
}

export function createFront<S extends FastStartSelection>(options: FrontOptions<S>): Front<S> {
  const { manifest } = options;
  let selection = options.selection;
  const initBase = selection.readOnly ? manifest.initialize.readOnly : manifest.initialize.readWrite;
  const handled = new Set(manifest.methods);
  let toolsResult: Json | undefined;
  let buffer: Buffer = Buffer.alloc(0);
  let lastInitialize: Json | undefined;
  let initializedLine: string | undefined;
  let forward: ((chunk: Buffer) => void) | undefined;
  let listed = false;
  /** The engine's calls in flight, by request id (Protocol._requestHandlerAbortControllers). */
  const inflight = new Map<RequestId, AbortController>();
  /** After the handover, lines are still scanned for cancellations of those calls (until none is left). */
  let scan: Buffer | undefined;

  /** A message JSONRPCNotificationSchema accepts (strict: any other key and the SDK drops it). */
  const notification = (msg: Json & { method: string }): Decision => {
    if (!hasOnly(msg, ['jsonrpc', 'method', 'params']) || !optional(msg.params, isObject)) return DROP;
    if (msg.method === 'notifications/initialized') return { kind: 'initialized' };
    if (msg.method === 'notifications/cancelled') return cancellation((msg.params ?? {}) as Json);
    return DROP;
  };

  /** A message JSONRPCRequestSchema accepts (strict); the SDK answers nothing to any other. */
  const request = (msg: Json & { method: string }): Decision => {
    const { id, params } = msg;
    if (!hasOnly(msg, ['jsonrpc', 'id', 'method', 'params']) || !isRequestId(id)) return DROP;
    if (!optional(params, isObject)) return DROP;
    const p = (params ?? {}) as Json;
    if (msg.method === 'tools/call') {
      const call = params === undefined ? undefined : simpleToolCall(p);
      return call ? { kind: 'call', id, call } : HANDOVER;
    }
    if ('_meta' in p) return HANDOVER;
    switch (msg.method) {
      case 'initialize':
        if (params === undefined || !simpleInitializeParams(p)) return HANDOVER;
        return {
          kind: 'answer',
          id,
          result: { protocolVersion: negotiateProtocolVersion(manifest, p.protocolVersion), ...initBase },
          initialize: msg,
        };
      case 'ping':
        return { kind: 'answer', id, result: {} };
      case 'tools/list':
        if (!optional(p.cursor, isString)) return HANDOVER;
        toolsResult ??= { tools: selectListings(manifest, selection) };
        return { kind: 'answer', id, result: toolsResult };
      default:
        // A method the real server has a handler for but the front does not serve goes to the SDK.
        if (handled.has(msg.method) || SERVED.has(msg.method)) return HANDOVER;
        return { kind: 'error', id, code: -32601, message: 'Method not found' };
    }
  };

  const decide = (line: string): Decision => {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return DROP;
    }
    // Not a request or a notification (a response, a batch, anything else): the SDK answers nothing.
    if (!isObject(msg) || msg.jsonrpc !== '2.0' || typeof msg.method !== 'string') return DROP;
    const m = msg as Json & { method: string };
    return 'id' in m ? request(m) : notification(m);
  };

  const cancel = (requestId: RequestId, reason: string | undefined): void => {
    inflight.get(requestId)?.abort(reason);
  };

  const startCall = (id: RequestId, call: ToolCallRequest): void => {
    const controller = new AbortController();
    inflight.set(id, controller);
    options.callTool(call, controller.signal).then(
      (result) => {
        if (inflight.get(id) === controller) inflight.delete(id);
        if (!controller.signal.aborted) options.write(`${JSON.stringify({ result, jsonrpc: '2.0', id })}\n`);
      },
      () => {
        // The engine could not load: main.ts reports that and exits.
        if (inflight.get(id) === controller) inflight.delete(id);
      },
    );
  };

  /** After the handover: cancellations of the engine's calls in flight, seen on their way to the SDK. */
  const watch = (chunk: Buffer): void => {
    if (scan === undefined) return;
    if (inflight.size === 0) {
      scan = undefined;
      return;
    }
    scan = scan.length === 0 ? chunk : Buffer.concat([scan, chunk]);
    for (let nl = scan.indexOf(10); nl !== -1; nl = scan.indexOf(10)) {
      const line = scan.toString('utf8', 0, nl);
      scan = scan.subarray(nl + 1);
      if (!line.includes('notifications/cancelled')) continue;
      const decision = decide(line.replace(/\r$/, ''));
      if (decision.kind === 'cancelled') cancel(decision.requestId, decision.reason);
    }
  };

  const handOver = (): void => {
    const replay: string[] = [];
    if (lastInitialize) replay.push(`${JSON.stringify({ ...lastInitialize, id: REPLAYED_INITIALIZE_ID })}\n`);
    if (initializedLine !== undefined) replay.push(`${initializedLine}\n`);
    const rest = buffer;
    const first = Buffer.concat([Buffer.from(replay.join(''), 'utf8'), rest]);
    buffer = Buffer.alloc(0);
    forward = options.handover(first);
    scan = Buffer.alloc(0);
    watch(rest);
  };

  const drain = (): void => {
    for (;;) {
      const nl = buffer.indexOf(10);
      if (nl === -1) {
        if (buffer.length > MAX_FRONT_LINE_BYTES) handOver();
        return;
      }
      // The SDK's ReadBuffer framing: split on \n, decode UTF-8, drop one trailing \r.
      const line = buffer.toString('utf8', 0, nl).replace(/\r$/, '');
      const decision = decide(line);
      if (decision.kind === 'handover') {
        handOver();
        return;
      }
      buffer = buffer.subarray(nl + 1);
      switch (decision.kind) {
        case 'initialized':
          initializedLine = line;
          break;
        case 'cancelled':
          cancel(decision.requestId, decision.reason);
          break;
        case 'call':
          startCall(decision.id, decision.call);
          break;
        case 'error':
          options.write(
            `${JSON.stringify({ jsonrpc: '2.0', id: decision.id, error: { code: decision.code, message: decision.message } })}\n`,
          );
          break;
        case 'answer':
          if (decision.initialize) lastInitialize = decision.initialize;
          options.write(`${JSON.stringify({ result: decision.result, jsonrpc: '2.0', id: decision.id })}\n`);
          if (!listed && decision.result === toolsResult) {
            listed = true;
            options.onListed?.();
          }
          break;
        case 'drop':
          break;
      }
    }
  };

  return {
    push(chunk) {
      if (forward) {
        forward(chunk);
        watch(chunk);
        return;
      }
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      drain();
    },
    get handedOver() {
      return forward !== undefined;
    },
    get selection() {
      return selection;
    },
    clientInfo() {
      const info = (lastInitialize?.params as Json | undefined)?.clientInfo as Json | undefined;
      return info ? { name: String(info.name), version: String(info.version) } : undefined;
    },
    setSelection(next) {
      const same =
        next.readOnly === selection.readOnly &&
        next.groups.length === selection.groups.length &&
        next.groups.every((g) => selection.groups.includes(g));
      if (same) return false;
      selection = next;
      toolsResult = undefined;
      // McpServer.sendToolListChanged, as Protocol.notification serializes it.
      if (!forward)
        options.write(`${JSON.stringify({ method: 'notifications/tools/list_changed', jsonrpc: '2.0' })}\n`);
      return true;
    },
  };
}
