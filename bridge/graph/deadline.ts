/**
 * One HTTP exchange's deadline and cancellation (issue #11.6): a signal that aborts when the tool
 * call's signal aborts (MCP `notifications/cancelled`) or when `timeoutMs` has passed, and `race`,
 * which settles as soon as that happens even if the work does not listen (e.g. waits on the broker).
 */
import { ToolError } from '../tools/tool.ts';

/** Starts a timer; returns a function that stops it. Injected in tests. */
export type SetTimer = (fn: () => void, ms: number) => () => void;

export const defaultSetTimer: SetTimer = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

/** Default deadline of one Graph or API exchange (request, answer and body). */
export const DEFAULT_HTTP_TIMEOUT_MS = 60_000;
/** Where the user changes it. */
export const HTTP_TIMEOUT_ENV = 'GRAPH_BRIDGE_HTTP_TIMEOUT_MS';

export interface Deadline {
  signal: AbortSignal;
  /** Why it ended early: the call was cancelled, or the deadline passed. */
  state(): 'running' | 'cancelled' | 'timed-out';
  /** Settles with `work`, or rejects as soon as the signal aborts. */
  race<T>(work: Promise<T>): Promise<T>;
  /** Stops the timer and stops listening to the parent signal. */
  clear(): void;
}

export function startDeadline(
  parent: AbortSignal | undefined,
  timeoutMs: number,
  setTimer = defaultSetTimer,
): Deadline {
  const controller = new AbortController();
  let state: 'running' | 'cancelled' | 'timed-out' = 'running';
  const onParentAbort = (): void => {
    if (state === 'running') state = 'cancelled';
    controller.abort(parent?.reason);
  };
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  const stopTimer =
    state === 'running'
      ? setTimer(() => {
          if (state !== 'running') return;
          state = 'timed-out';
          controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError'));
        }, timeoutMs)
      : () => undefined;
  return {
    signal: controller.signal,
    state: () => state,
    race<T>(work: Promise<T>): Promise<T> {
      const { signal } = controller;
      if (signal.aborted) {
        work.catch(() => undefined);
        return Promise.reject(signal.reason as Error);
      }
      return new Promise<T>((resolve, reject) => {
        const onAbort = (): void => reject(signal.reason as Error);
        signal.addEventListener('abort', onAbort, { once: true });
        work.then(
          (value) => {
            signal.removeEventListener('abort', onAbort);
            resolve(value);
          },
          (error: unknown) => {
            signal.removeEventListener('abort', onAbort);
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      });
    },
    clear() {
      stopTimer();
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/** What a write that ended without an answer may have done. */
function maybeDone(method: string): string {
  return method === 'GET' || method === 'HEAD'
    ? ''
    : ' The change may or may not have been made: check before trying again.';
}

export function cancelledError(service: string, what: string): ToolError {
  const method = what.split(' ')[0] ?? '';
  return new ToolError('CANCELLED', `The request was cancelled; ${service} ${what} was abandoned.${maybeDone(method)}`);
}

/** `waitedMs`: the deadline that passed; `settingMs`: the setting it derives from (downloads get more). */
export function timeoutError(service: string, what: string, waitedMs: number, settingMs = waitedMs): ToolError {
  const method = what.split(' ')[0] ?? '';
  const seconds = Math.round(waitedMs / 100) / 10;
  return new ToolError(
    'TIMEOUT',
    `${service} did not answer ${what} within ${seconds} s, so Graph Bridge stopped waiting.${maybeDone(method)} Try again in a moment; if it is often this slow, the user can raise ${HTTP_TIMEOUT_ENV} (milliseconds, now ${settingMs}) in this editor's MCP entry for Graph Bridge.`,
  );
}
