/**
 * GraphTransport backed by @microsoft/microsoft-graph-client: a custom AuthenticationProvider asks
 * the broker (via getToken) for a token with the call's scopes; the middleware chain is
 * Authentication -> Redirect -> Telemetry -> send, where send is the injected fetch (production: the
 * keep-alive node:https sender of keep-alive-fetch.ts; default: the global fetch, which is what the
 * client's own HTTPMessageHandler calls). The client's own RetryHandler is left out
 * because graph-api.ts applies the (bounded) retry policy. `customHosts` holds the hostname of the
 * configured Graph base URL so the client attaches Authorization to it (configuration, e.g. a
 * sovereign cloud or the test emulator) — see emulator spec §1.11/§15.
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

type GraphSdk = typeof GraphSdkModule;

interface ScopedAuthOptions extends AuthenticationProviderOptions {
  request: AuthRequest;
  /** The real failure of getToken (the client wraps thrown errors in GraphError). */
  failure?: unknown;
}

export interface GraphClientTransportOptions {
  graphBaseUrl: string;
  /** Resolves to an access token or throws ToolError (consent, sign-in, broker absent…). */
  getToken(request: AuthRequest): Promise<string>;
  /** Sends the HTTP request at the end of the middleware chain (default: the global fetch). */
  fetch?: FetchLike;
}

/** The chain's last middleware: what HTTPMessageHandler does, with an injectable fetch. */
function sendWith(send: FetchLike): Middleware {
  return {
    async execute(context: Context): Promise<void> {
      // RequestInfo is a DOM type: a URL string, or a Request after a redirect of a Request.
      context.response = await send(context.request as string | Request, context.options);
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

export function createGraphClientTransport(options: GraphClientTransportOptions): GraphTransport {
  const base = new URL(options.graphBaseUrl);
  const send: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
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
      middleware: [
        new sdk.AuthenticationHandler(provider),
        new sdk.RedirectHandler(new sdk.RedirectHandlerOptions()),
        new sdk.TelemetryHandler(),
        sendWith(send),
      ],
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
