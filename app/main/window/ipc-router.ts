/**
 * Typed, validated request handling for the status window — the logic behind app/main/ipc-main.ts.
 *
 * Every request goes through `dispatch`:
 *  1. the sender must be our window's main frame at our page URL (`isTrustedSender`), else FORBIDDEN_SENDER;
 *  2. the payload is parsed with the channel's request schema, else INVALID_PAYLOAD;
 *  3. the handler runs; a throw becomes INTERNAL (logged, redacted) — never a rejected invoke;
 *  4. the handler's value is parsed with the response schema (unknown keys are stripped) before it
 *     leaves main, so nothing outside the contract reaches the renderer.
 * The registrar is `ipcMain` in production and a fake in unit tests.
 */
import { redactSecrets } from '../../shared/redact.ts';
import { isOwnPage } from './window-security.ts';
import {
  isWindowChannel,
  WINDOW_REQUESTS,
  type WindowChannel,
  type WindowRequest,
  type WindowResponse,
  type WindowError,
} from '../../shared/window-contract.ts';
import type { Result } from '../../shared/result.ts';

/** The parts of Electron's IpcMainInvokeEvent the router reads. */
export interface InvokeEventLike {
  readonly sender: { readonly id: number };
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

/** The parts of ipcMain the router uses. */
export interface IpcRegistrar {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export type WindowHandler<C extends WindowChannel> = (
  request: WindowRequest<C>,
) => Promise<Result<WindowResponse<C>, WindowError>> | Result<WindowResponse<C>, WindowError>;
export type WindowHandlers = { [C in WindowChannel]: WindowHandler<C> };

export interface IpcRouterOptions {
  registrar: IpcRegistrar;
  isTrustedSender(event: InvokeEventLike): boolean;
  log?: (line: string) => void;
}

export interface IpcRouter {
  /** Registers every channel; returns a function that removes them again. */
  register(handlers: WindowHandlers): () => void;
  dispatch(event: InvokeEventLike, channel: string, payload: unknown): Promise<Result<unknown, WindowError>>;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

type Log = (line: string) => void;
type Outcome = Result<unknown, WindowError>;
type AnyHandler = (request: unknown) => Promise<Outcome> | Outcome;

const refused = (code: WindowError['code'], message: string): Result<never, WindowError> => ({
  ok: false,
  error: { code, message },
});

/** Step 1: FORBIDDEN_SENDER (logged) unless the request comes from our window's page, else null. */
function refuseUntrusted(options: IpcRouterOptions, log: Log, event: InvokeEventLike, channel: string) {
  if (options.isTrustedSender(event)) return null;
  log(`window-ipc: refused ${channel.slice(0, 64)} from an untrusted sender (${event.senderFrame?.url ?? 'no frame'})`);
  return refused('FORBIDDEN_SENDER', 'This request did not come from the Graph Bridge window.');
}

const unknownChannel = (channel: string) => refused('INVALID_PAYLOAD', `Unknown request "${channel.slice(0, 64)}".`);

/** Step 2: the payload parsed with the channel's request schema, else INVALID_PAYLOAD. */
function parseRequest(channel: WindowChannel, payload: unknown): Outcome {
  const parsed = WINDOW_REQUESTS[channel].request.safeParse(payload ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
  return refused('INVALID_PAYLOAD', `Invalid request for ${channel}: ${where}`);
}

/** Step 3: the handler's result; a throw becomes INTERNAL (logged, redacted). */
async function runHandler(log: Log, channel: WindowChannel, handler: AnyHandler, request: unknown): Promise<Outcome> {
  try {
    return await handler(request);
  } catch (err: unknown) {
    log(redactSecrets(`window-ipc: ${channel} failed: ${errorText(err)}`));
    return refused('INTERNAL', `${channel} failed unexpectedly; see the Graph Bridge log.`);
  }
}

/** Step 4: the handler's value parsed with the response schema (unknown keys stripped), else INTERNAL. */
function parseResponse(log: Log, channel: WindowChannel, value: unknown): Outcome {
  const out = WINDOW_REQUESTS[channel].response.safeParse(value);
  if (out.success) return { ok: true, value: out.data };
  log(`window-ipc: ${channel} produced a value outside the contract: ${out.error.message.slice(0, 500)}`);
  return refused('INTERNAL', `${channel} returned malformed data; see the Graph Bridge log.`);
}

export function createIpcRouter(options: IpcRouterOptions): IpcRouter {
  const log = options.log ?? (() => undefined);
  let handlers: WindowHandlers | null = null;

  async function dispatch(event: InvokeEventLike, channel: string, payload: unknown): Promise<Outcome> {
    const untrusted = refuseUntrusted(options, log, event, channel);
    if (untrusted !== null) return untrusted;
    if (!isWindowChannel(channel) || handlers === null) return unknownChannel(channel);
    const request = parseRequest(channel, payload);
    if (!request.ok) return request;
    const result = await runHandler(log, channel, handlers[channel] as AnyHandler, request.value);
    if (!result.ok) return result;
    return parseResponse(log, channel, result.value);
  }

  return {
    dispatch,
    register(next) {
      handlers = next;
      const channels = Object.keys(WINDOW_REQUESTS);
      for (const channel of channels) {
        options.registrar.handle(channel, (event, payload) => dispatch(event, channel, payload));
      }
      return () => {
        for (const channel of channels) options.registrar.removeHandler(channel);
        handlers = null;
      };
    },
  };
}

/** What the trusted-sender check compares against. */
export interface TrustedWindow {
  /** webContents id of the status window, or undefined while it is closed. */
  webContentsId(): number | undefined;
  /** The page URL we load (file:// or app://); query and hash are ignored in the comparison. */
  pageUrl: string;
}

/** Only our window, only its main frame, only while it shows our page. */
export function createTrustedSenderCheck(trusted: TrustedWindow): (event: InvokeEventLike) => boolean {
  const page = new URL(trusted.pageUrl);
  if (page.protocol !== 'file:' && page.protocol !== 'app:') {
    throw new Error(`The status window must load a file:// or app:// page, not ${page.protocol}`);
  }
  return (event) => {
    const id = trusted.webContentsId();
    if (id === undefined || event.sender.id !== id) return false;
    const frame = event.senderFrame;
    if (frame === null || frame.parent !== null) return false;
    return isOwnPage(frame.url, trusted.pageUrl);
  };
}
