/**
 * GraphTransport backed by @microsoft/microsoft-graph-client: a custom AuthenticationProvider asks
 * the broker (via getToken) for a token with the call's scopes; the middleware chain is
 * Authentication -> Telemetry -> send, where send follows redirects by the rule of
 * safe-redirects.ts (Authorization only to the Graph base URL's origin, https only, writes never
 * redirected) over the injected fetch (production: the keep-alive node:https sender of
 * keep-alive-fetch.ts; default: the global fetch). The client's RedirectHandler is left out — it
 * kept Authorization across origins when the sender's Response had no `url` — and so is its
 * RetryHandler, because graph-api.ts applies the (bounded) retry policy. `customHosts` holds the
 * hostname of the configured Graph base URL so the client attaches Authorization to it
 * (configuration, e.g. a sovereign cloud or the test emulator) — see emulator spec §1.11/§15.
 * The request's AbortSignal (deadline, MCP cancellation) goes to the sender as `init.signal`.
 *
 * The Graph client package is loaded with import() at the first request, so `initialize` and
 * `tools/list` never pay for it (a package import, not a local module: esbuild keeps it lazy in the
 * single-file bundle).
 */
import type * as GraphSdkModule from '@microsoft/microsoft-graph-client';
import type {
  AuthenticationProvider,
  AuthenticationProviderOptions,
  Client,
  Context,
  Middleware,
} from '@microsoft/microsoft-graph-client';
import type { AuthRequest, GraphTransport, TransportRequest, TransportResponse } from './graph-api.ts';
import type { FetchLike } from './keep-alive-fetch.ts';
import { createSafeRedirectFetch } from './safe-redirects.ts';

type GraphSdk = typeof GraphSdkModule;

interface ScopedAuthOptions extends AuthenticationProviderOptions {
  request: AuthRequest;
  /** The real failure of getToken or of the sender (the client wraps thrown errors in GraphError). */
  failure?: unknown;
}

export interface GraphClientTransportOptions {
  graphBaseUrl: string;
  /** Resolves to an access token or throws ToolError (consent, sign-in, broker absent…). */
  getToken(request: AuthRequest): Promise<string>;
  /** Sends the HTTP request at the end of the middleware chain (default: the global fetch). */
  fetch?: FetchLike;
}

/**
 * The chain's last middleware: what HTTPMessageHandler does, with an injectable fetch. A failure is
 * also kept on the request's auth options, so the transport rethrows it unwrapped (a
 * REDIRECT_REFUSED ToolError, an abort).
 */
function sendWith(send: FetchLike, sdk: GraphSdk): Middleware {
  return {
    async execute(context: Context): Promise<void> {
      try {
        // RequestInfo is a DOM type; this chain only ever carries URL strings.
        context.response = await send(context.request as string, context.options);
      } catch (error) {
        const handlerOptions = context.middlewareControl?.getMiddlewareOptions(sdk.AuthenticationHandlerOptions);
        const scoped =
          handlerOptions instanceof sdk.AuthenticationHandlerOptions
            ? (handlerOptions.authenticationProviderOptions as ScopedAuthOptions | undefined)
            : undefined;
        if (scoped && scoped.failure === undefined) scoped.failure = error;
        throw error;
      }
    },
  };
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** Loads the Graph client package ahead of the first request (the runtime's warm-up). */
export async function preloadGraphClient(): Promise<void> {
  await import('@microsoft/microsoft-graph-client');
}

export function createGraphClientTransport(options: GraphClientTransportOptions): GraphTransport {
  const base = new URL(options.graphBaseUrl);
  const send = createSafeRedirectFetch({
    authorizedOrigin: base.origin,
    send: options.fetch ?? ((input, init) => fetch(input, init)),
    service: 'Microsoft Graph',
  });
  const provider: AuthenticationProvider = {
    async getAccessToken(authOptions?: AuthenticationProviderOptions) {
      const scoped = authOptions as ScopedAuthOptions | undefined;
      if (!scoped?.request) throw new Error('graph-bridge: request without scopes');
      try {
        return await options.getToken(scoped.request);
      } catch (error) {
        scoped.failure = error;
        throw error;
      }
    },
  };
  let loaded: Promise<{ client: Client; sdk: GraphSdk }> | undefined;
  const load = async (): Promise<{ client: Client; sdk: GraphSdk }> => {
    const sdk = await import('@microsoft/microsoft-graph-client');
    const client = sdk.Client.initWithMiddleware({
      baseUrl: `${base.origin}/`,
      customHosts: new Set([base.hostname]),
      middleware: [new sdk.AuthenticationHandler(provider), new sdk.TelemetryHandler(), sendWith(send, sdk)],
    });
    return { client, sdk };
  };

  return {
    async send(request: TransportRequest): Promise<TransportResponse> {
      loaded ??= load();
      const { client, sdk } = await loaded;
      const authOptions: ScopedAuthOptions = { scopes: [...request.auth.scopes], request: request.auth };
      let builder = client
        .api(request.url)
        .responseType(sdk.ResponseType.RAW)
        .middlewareOptions([new sdk.AuthenticationHandlerOptions(undefined, authOptions)]);
      if (request.headers) builder = builder.headers(request.headers);
      if (request.signal) builder = builder.option('signal', request.signal);
      let response: Response;
      try {
        const m = request.method;
        response = (await (m === 'GET'
          ? builder.get()
          : m === 'POST'
            ? builder.post(request.body ?? {})
            : m === 'PUT'
              ? builder.put(request.body ?? {})
              : m === 'PATCH'
                ? builder.patch(request.body ?? {})
                : builder.delete())) as Response;
      } catch (error) {
        throw authOptions.failure ?? error;
      }
      if (request.binary && response.ok) {
        return {
          status: response.status,
          headers: response.headers,
          bytes: new Uint8Array(await response.arrayBuffer()),
        };
      }
      return { status: response.status, headers: response.headers, body: await readBody(response) };
    },
  };
}
