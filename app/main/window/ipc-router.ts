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

export function createIpcRouter(options: IpcRouterOptions): IpcRouter {
  const log = options.log ?? (() => undefined);
  let handlers: WindowHandlers | null = null;

  async function dispatch(
    event: InvokeEventLike,
    channel: string,
    payload: unknown,
  ): Promise<Result<unknown, WindowError>> {
    if (!options.isTrustedSender(event)) {
      log(
        `window-ipc: refused ${channel.slice(0, 64)} from an untrusted sender (${event.senderFrame?.url ?? 'no frame'})`,
      );
      return {
        ok: false,
        error: { code: 'FORBIDDEN_SENDER', message: 'This request did not come from the Graph Bridge window.' },
      };
    }
    if (!isWindowChannel(channel) || handlers === null) {
      return { ok: false, error: { code: 'INVALID_PAYLOAD', message: `Unknown request "${channel.slice(0, 64)}".` } };
    }
    const contract = WINDOW_REQUESTS[channel];
    const parsed = contract.request.safeParse(payload ?? {});
    if (!parsed.success) {
      const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
      return { ok: false, error: { code: 'INVALID_PAYLOAD', message: `Invalid request for ${channel}: ${where}` } };
    }
    let result: Result<unknown, WindowError>;
    try {
      const handler = handlers[channel] as (
        request: unknown,
      ) => Promise<Result<unknown, WindowError>> | Result<unknown, WindowError>;
      result = await handler(parsed.data);
    } catch (err: unknown) {
      log(redactSecrets(`window-ipc: ${channel} failed: ${errorText(err)}`));
      return {
        ok: false,
        error: { code: 'INTERNAL', message: `${channel} failed unexpectedly; see the Graph Bridge log.` },
      };
    }
    if (!result.ok) return result;
    const out = contract.response.safeParse(result.value);
    if (!out.success) {
      log(`window-ipc: ${channel} produced a value outside the contract: ${out.error.message.slice(0, 500)}`);
      return {
        ok: false,
        error: { code: 'INTERNAL', message: `${channel} returned malformed data; see the Graph Bridge log.` },
      };
    }
    return { ok: true, value: out.data };
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
