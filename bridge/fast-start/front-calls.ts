/**
 * The front's tools/call bookkeeping (front.ts): each accepted call runs on the engine with its own
 * AbortController, kept by request id while it runs (Protocol._requestHandlerAbortControllers), so a
 * `notifications/cancelled` aborts it and nothing is written for it. After the handover, the lines on
 * their way to the SDK are still scanned for cancellations of those calls, until none is left.
 */
import type { Decision } from './front-decide.ts';
import type { FrontOptions, ToolCallRequest } from './front.ts';
import type { RequestId } from './front-schema.ts';

export interface EngineCalls {
  start(id: RequestId, call: ToolCallRequest): void;
  cancel(requestId: RequestId, reason: string | undefined): void;
  /** After the handover: `rest` is the input not answered yet, later chunks follow through watch. */
  handedOver(rest: Buffer): void;
  /** After the handover: cancellations of the engine's calls in flight, seen on their way to the SDK. */
  watch(chunk: Buffer): void;
}

export function createEngineCalls(
  options: Pick<FrontOptions, 'callTool' | 'write'>,
  decide: (line: string) => Decision,
): EngineCalls {
  const inflight = new Map<RequestId, AbortController>();
  let scan: Buffer | undefined;
  const cancel = (requestId: RequestId, reason: string | undefined): void => {
    inflight.get(requestId)?.abort(reason);
  };
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
  return {
    start: (id, call) => startCall({ options, inflight }, id, call),
    cancel,
    handedOver(rest) {
      scan = Buffer.alloc(0);
      watch(rest);
    },
    watch,
  };
}

interface CallTable {
  options: Pick<FrontOptions, 'callTool' | 'write'>;
  inflight: Map<RequestId, AbortController>;
}

/** Runs the call on the engine; its answer is written unless it was cancelled. */
function startCall({ options, inflight }: CallTable, id: RequestId, call: ToolCallRequest): void {
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
}
