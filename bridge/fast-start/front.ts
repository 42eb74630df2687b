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
 *
 * The units: front-schema.ts (what the SDK certainly accepts), front-decide.ts (what to do with a
 * line), front-calls.ts (calls on the engine and their cancellation); framing, answers and the
 * handover here.
 */
import { selectListings, type FastStartManifest, type FastStartSelection } from './manifest.ts';
import { createEngineCalls, type EngineCalls } from './front-calls.ts';
import { decide, type DecideContext, type Decision } from './front-decide.ts';
import type { Json } from './front-schema.ts';

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

interface FrontState<S extends FastStartSelection> {
  options: FrontOptions<S>;
  selection: S;
  decideContext: DecideContext;
  toolsResult: Json | undefined;
  buffer: Buffer;
  lastInitialize: Json | undefined;
  initializedLine: string | undefined;
  forward: ((chunk: Buffer) => void) | undefined;
  listed: boolean;
  calls: EngineCalls;
}

const line = (message: Json): string => `${JSON.stringify(message)}\n`;

/** Hands the stream to the real server: the replayed handshake first, then every unanswered byte. */
function handOver<S extends FastStartSelection>(state: FrontState<S>): void {
  const replay: string[] = [];
  if (state.lastInitialize) replay.push(line({ ...state.lastInitialize, id: REPLAYED_INITIALIZE_ID }));
  if (state.initializedLine !== undefined) replay.push(`${state.initializedLine}\n`);
  const rest = state.buffer;
  const first = Buffer.concat([Buffer.from(replay.join(''), 'utf8'), rest]);
  state.buffer = Buffer.alloc(0);
  state.forward = state.options.handover(first);
  state.calls.handedOver(rest);
}

/** Carries out what the front decided for one line (all but the handover). */
function apply<S extends FastStartSelection>(state: FrontState<S>, decision: Decision, text: string): void {
  switch (decision.kind) {
    case 'initialized':
      state.initializedLine = text;
      break;
    case 'cancelled':
      state.calls.cancel(decision.requestId, decision.reason);
      break;
    case 'call':
      state.calls.start(decision.id, decision.call);
      break;
    case 'error':
      state.options.write(
        line({ jsonrpc: '2.0', id: decision.id, error: { code: decision.code, message: decision.message } }),
      );
      break;
    case 'answer':
      if (decision.initialize) state.lastInitialize = decision.initialize;
      state.options.write(line({ result: decision.result, jsonrpc: '2.0', id: decision.id }));
      if (!state.listed && decision.result === state.toolsResult) {
        state.listed = true;
        state.options.onListed?.();
      }
      break;
    case 'drop':
    case 'handover':
      break;
  }
}

/** Serves every complete line buffered; hands over at the first it does not serve (or an over-long one). */
function drain<S extends FastStartSelection>(state: FrontState<S>): void {
  for (;;) {
    const nl = state.buffer.indexOf(10);
    if (nl === -1) {
      if (state.buffer.length > MAX_FRONT_LINE_BYTES) handOver(state);
      return;
    }
    // The SDK's ReadBuffer framing: split on \n, decode UTF-8, drop one trailing \r.
    const text = state.buffer.toString('utf8', 0, nl).replace(/\r$/, '');
    const decision = decide(state.decideContext, text);
    if (decision.kind === 'handover') {
      handOver(state);
      return;
    }
    state.buffer = state.buffer.subarray(nl + 1);
    apply(state, decision, text);
  }
}

function sameSelection(a: FastStartSelection, b: FastStartSelection): boolean {
  return (
    a.readOnly === b.readOnly && a.groups.length === b.groups.length && a.groups.every((g) => b.groups.includes(g))
  );
}

function createState<S extends FastStartSelection>(options: FrontOptions<S>): FrontState<S> {
  const { manifest } = options;
  const decideContext: DecideContext = {
    manifest,
    initBase: options.selection.readOnly ? manifest.initialize.readOnly : manifest.initialize.readWrite,
    handled: new Set(manifest.methods),
    toolsList: () => (state.toolsResult ??= { tools: selectListings(manifest, state.selection) }),
  };
  const state: FrontState<S> = {
    options,
    selection: options.selection,
    decideContext,
    toolsResult: undefined,
    buffer: Buffer.alloc(0),
    lastInitialize: undefined,
    initializedLine: undefined,
    forward: undefined,
    listed: false,
    calls: createEngineCalls(options, (text) => decide(decideContext, text)),
  };
  return state;
}

export function createFront<S extends FastStartSelection>(options: FrontOptions<S>): Front<S> {
  const state = createState(options);
  return {
    push(chunk) {
      if (state.forward) {
        state.forward(chunk);
        state.calls.watch(chunk);
        return;
      }
      state.buffer = state.buffer.length === 0 ? chunk : Buffer.concat([state.buffer, chunk]);
      drain(state);
    },
    get handedOver() {
      return state.forward !== undefined;
    },
    get selection() {
      return state.selection;
    },
    clientInfo() {
      const info = (state.lastInitialize?.params as Json | undefined)?.clientInfo as Json | undefined;
      return info ? { name: String(info.name), version: String(info.version) } : undefined;
    },
    setSelection(next) {
      if (sameSelection(next, state.selection)) return false;
      state.selection = next;
      state.toolsResult = undefined;
      // McpServer.sendToolListChanged, as Protocol.notification serializes it.
      if (!state.forward) options.write(line({ method: 'notifications/tools/list_changed', jsonrpc: '2.0' }));
      return true;
    },
  };
}
