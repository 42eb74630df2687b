/**
 * The fast start: a tiny stdio JSON-RPC front that answers `initialize`, `notifications/initialized`,
 * `ping` and `tools/list` from the recorded manifest, so an editor's handshake never waits for the MCP
 * SDK, zod or the tool modules to load. Any other message — `tools/call`, `resources/list`, a request
 * with `_meta`, a malformed line, anything it does not fully recognise — hands the stream over to
 * the real McpServer (full.ts), which then serves every later message.
 *
 * The front answers only messages the SDK would accept, with what the SDK would send (the manifest is
 * the real server's own answer; test/unit/bridge/fast-start.test.ts compares the two). Everything it
 * is unsure about goes to the SDK, so error replies are the SDK's own.
 *
 * Handover: the real server first reads the last `initialize` the front answered (re-sent with the id
 * REPLAYED_INITIALIZE_ID, its answer is dropped by full.ts) and `notifications/initialized`, so it
 * knows the client's name and capabilities; then the unanswered bytes, unchanged. No zod, no SDK here.
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

export interface FrontOptions {
  manifest: FastStartManifest;
  selection: FastStartSelection;
  /** Writes one serialized JSON-RPC message (stdout). */
  write(text: string): void;
  /**
   * Called once, with the bytes the real server must read first (replayed handshake + every byte not
   * answered yet). Returns where later input goes.
   */
  handover(first: Buffer): (chunk: Buffer) => void;
}

export interface Front {
  /** Feeds bytes read from stdin. */
  push(chunk: Buffer): void;
  readonly handedOver: boolean;
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

type Decision =
  | { kind: 'answer'; id: string | number; result: Json; initialize?: Json }
  | { kind: 'initialized' }
  | { kind: 'handover' };

const HANDOVER: Decision = { kind: 'handover' };

export function createFront(options: FrontOptions): Front {
  const { manifest, selection } = options;
  const initBase = selection.readOnly ? manifest.initialize.readOnly : manifest.initialize.readWrite;
  let toolsResult: Json | undefined;
  let buffer: Buffer = Buffer.alloc(0);
  let lastInitialize: Json | undefined;
  let initializedLine: string | undefined;
  let forward: ((chunk: Buffer) => void) | undefined;

  const decide = (line: string): Decision => {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return HANDOVER;
    }
    if (!isObject(msg) || msg.jsonrpc !== '2.0' || typeof msg.method !== 'string') return HANDOVER;
    const params = msg.params;
    if (!optional(params, (p) => isObject(p) && !('_meta' in p))) return HANDOVER;
    if (!('id' in msg)) {
      if (!hasOnly(msg, ['jsonrpc', 'method', 'params'])) return HANDOVER;
      return msg.method === 'notifications/initialized' ? { kind: 'initialized' } : HANDOVER;
    }
    const id = msg.id;
    if (!hasOnly(msg, ['jsonrpc', 'id', 'method', 'params'])) return HANDOVER;
    if (!(typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id)))) return HANDOVER;
    const p = (params ?? {}) as Json;
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
        return HANDOVER;
    }
  };

  const handOver = (): void => {
    const replay: string[] = [];
    if (lastInitialize) replay.push(`${JSON.stringify({ ...lastInitialize, id: REPLAYED_INITIALIZE_ID })}\n`);
    if (initializedLine !== undefined) replay.push(`${initializedLine}\n`);
    const first = Buffer.concat([Buffer.from(replay.join(''), 'utf8'), buffer]);
    buffer = Buffer.alloc(0);
    forward = options.handover(first);
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
      if (decision.kind === 'initialized') initializedLine = line;
      else {
        if (decision.initialize) lastInitialize = decision.initialize;
        options.write(`${JSON.stringify({ result: decision.result, jsonrpc: '2.0', id: decision.id })}\n`);
      }
    }
  };

  return {
    push(chunk) {
      if (forward) {
        forward(chunk);
        return;
      }
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      drain();
    },
    get handedOver() {
      return forward !== undefined;
    },
  };
}
