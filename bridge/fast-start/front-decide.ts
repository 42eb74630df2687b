/**
 * What the front does with one line (front.ts): answer it (initialize, ping, tools/list from the
 * manifest, "Method not found"), start a tools/call on the engine, note `notifications/initialized` or a
 * cancellation, drop it as the SDK drops it (bad JSON, a response, an unknown notification, a message
 * its strict schemas refuse), or hand the stream over to the real server.
 */
import { negotiateProtocolVersion, type FastStartManifest } from './manifest.ts';
import type { ToolCallRequest } from './front.ts';
import {
  hasOnly,
  isObject,
  isRequestId,
  isString,
  optional,
  simpleInitializeParams,
  simpleToolCall,
  type Json,
  type RequestId,
} from './front-schema.ts';

export type Decision =
  | { kind: 'answer'; id: RequestId; result: Json; initialize?: Json }
  | { kind: 'error'; id: RequestId; code: number; message: string }
  | { kind: 'call'; id: RequestId; call: ToolCallRequest }
  | { kind: 'initialized' }
  | { kind: 'cancelled'; requestId: RequestId; reason: string | undefined }
  | { kind: 'drop' }
  | { kind: 'handover' };

export interface DecideContext {
  manifest: FastStartManifest;
  /** The initialize answer without protocolVersion (read-only or read-write, from the start). */
  initBase: Json;
  /** The methods the real server has a handler for (manifest.methods). */
  handled: ReadonlySet<string>;
  /** The tools/list answer for the current selection (the same object until the selection changes). */
  toolsList(): Json;
}

const HANDOVER: Decision = { kind: 'handover' };
const DROP: Decision = { kind: 'drop' };

/** The methods the front serves itself (the rest of manifest.methods goes to the SDK). */
const SERVED = new Set(['initialize', 'ping', 'tools/list', 'tools/call']);

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

/** A message JSONRPCNotificationSchema accepts (strict: any other key and the SDK drops it). */
function notification(msg: Json & { method: string }): Decision {
  if (!hasOnly(msg, ['jsonrpc', 'method', 'params']) || !optional(msg.params, isObject)) return DROP;
  if (msg.method === 'notifications/initialized') return { kind: 'initialized' };
  if (msg.method === 'notifications/cancelled') return cancellation((msg.params ?? {}) as Json);
  return DROP;
}

type Request = Json & { method: string; id: RequestId };

/** A request the front serves from the manifest (not tools/call, no `_meta`). */
function answer(ctx: DecideContext, msg: Request): Decision {
  const { id, params } = msg;
  const p = (params ?? {}) as Json;
  switch (msg.method) {
    case 'initialize':
      if (params === undefined || !simpleInitializeParams(p)) return HANDOVER;
      return {
        kind: 'answer',
        id,
        result: { protocolVersion: negotiateProtocolVersion(ctx.manifest, p.protocolVersion), ...ctx.initBase },
        initialize: msg,
      };
    case 'ping':
      return { kind: 'answer', id, result: {} };
    case 'tools/list':
      if (!optional(p.cursor, isString)) return HANDOVER;
      return { kind: 'answer', id, result: ctx.toolsList() };
    default:
      // A method the real server has a handler for but the front does not serve goes to the SDK.
      if (ctx.handled.has(msg.method) || SERVED.has(msg.method)) return HANDOVER;
      return { kind: 'error', id, code: -32601, message: 'Method not found' };
  }
}

/** A message JSONRPCRequestSchema accepts (strict); the SDK answers nothing to any other. */
function request(ctx: DecideContext, msg: Json & { method: string }): Decision {
  const { id, params } = msg;
  if (!hasOnly(msg, ['jsonrpc', 'id', 'method', 'params']) || !isRequestId(id)) return DROP;
  if (!optional(params, isObject)) return DROP;
  const p = (params ?? {}) as Json;
  if (msg.method === 'tools/call') {
    const call = params === undefined ? undefined : simpleToolCall(p);
    return call ? { kind: 'call', id, call } : HANDOVER;
  }
  if ('_meta' in p) return HANDOVER;
  return answer(ctx, msg as Request);
}

/** One line, framed as the SDK's ReadBuffer frames it (no newline, one trailing \r dropped). */
export function decide(ctx: DecideContext, line: string): Decision {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    return DROP;
  }
  // Not a request or a notification (a response, a batch, anything else): the SDK answers nothing.
  if (!isObject(msg) || msg.jsonrpc !== '2.0' || typeof msg.method !== 'string') return DROP;
  const m = msg as Json & { method: string };
  return 'id' in m ? request(ctx, m) : notification(m);
}
