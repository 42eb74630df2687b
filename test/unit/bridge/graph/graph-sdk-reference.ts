/**
 * The reference for test/unit/bridge/graph/graph-client.test.ts: the bridge's Graph transport as it
 * was built on @microsoft/microsoft-graph-client (client.api(url)… with its AuthenticationHandler and
 * TelemetryHandler, then our sender), kept verbatim so the SDK-free transport can be compared with it
 * request by request.
 */
import type * as GraphSdkModule from '@microsoft/microsoft-graph-client';
import type {
  AuthenticationProvider,
  AuthenticationProviderOptions,
  Client,
  Context,
  Middleware,
} from '@microsoft/microsoft-graph-client';
import type {
  AuthRequest,
  GraphTransport,
  TransportRequest,
  TransportResponse,
} from '../../../../bridge/graph/graph-api.ts';
import type { FetchLike } from '../../../../bridge/graph/keep-alive-fetch.ts';
import { createSafeRedirectFetch } from '../../../../bridge/graph/safe-redirects.ts';

type GraphSdk = typeof GraphSdkModule;

interface ScopedAuthOptions extends AuthenticationProviderOptions {
  request: AuthRequest;
  /** The real failure of getToken or of the sender (the client wraps thrown errors in GraphError). */
  failure?: unknown;
}

interface GraphClientTransportOptions {
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
        context.response = (await send(context.request as string, context.options)) as Response;
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

export function createSdkGraphTransport(options: GraphClientTransportOptions): GraphTransport {
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
