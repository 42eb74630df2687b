/**
 * HTTPS listeners for the origins (Entra, Graph, the protected demo API), with the pieces every
 * request goes through: body reading, the request log and fault injection (every origin) and error
 * containment.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { buildAadError } from './errors.ts';
import { redirectLocation, takeFault, type FaultSpec } from './faults.ts';
import { flatHeaders, isFormRequest, isJsonRequest, parseForm, parseJson, readBody, sendJson } from './http.ts';
import type { RequestLogSink } from './request-log-file.ts';
import type { RedirectTargets } from './redirect-target.ts';
import type { EmulatorState } from './state.ts';
import type { TlsMaterial } from './tls.ts';
import type { EmulatorClock, RequestLogEntry } from './types.ts';

export type OriginName = 'entra' | 'graph' | 'api';

export interface RequestHandlerInput {
  url: URL;
  body: Buffer;
}

export type OriginHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  input: RequestHandlerInput,
) => void | Promise<void>;

export interface PipelineDeps {
  host: OriginName;
  state: EmulatorState;
  clock: EmulatorClock;
  /** Origin used to parse request URLs (never the Host header). */
  origin: () => string;
  /** Paths exempt from logging and faults (the control plane). */
  isInternal?: (path: string) => boolean;
  log?: (line: string) => void;
  /** The request log on disk (GRAPH_BRIDGE_EMULATOR_REQUEST_LOG), appended when a response finishes. */
  requestLog?: RequestLogSink;
  handler: () => OriginHandler | undefined;
  /** The redirect target's origins, for `redirect` faults. */
  redirectTargets?: () => RedirectTargets | undefined;
}

function record(deps: PipelineDeps, req: IncomingMessage, url: URL, body: Buffer): RequestLogEntry {
  const entry: RequestLogEntry = {
    seq: ++deps.state.logSeq,
    time: new Date(deps.clock.nowMs()).toISOString(),
    host: deps.host,
    method: req.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: flatHeaders(req),
    status: 0,
  };
  if (isFormRequest(req)) entry.form = parseForm(body);
  else if (isJsonRequest(req)) entry.body = parseJson(body);
  deps.state.log.push(entry);
  return entry;
}

/** Resolves when the client closes the connection (true) or the control plane releases it (false). */
function hold(deps: PipelineDeps, res: ServerResponse): Promise<boolean> {
  return new Promise((resolve) => {
    const release = (): void => {
      deps.state.held.delete(release);
      res.off('close', closed);
      resolve(false);
    };
    const closed = (): void => {
      deps.state.held.delete(release);
      resolve(true);
    };
    deps.state.held.add(release);
    res.once('close', closed);
  });
}

async function applyFault(
  deps: PipelineDeps,
  fault: FaultSpec,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  if (fault.hold && (await hold(deps, res))) return true;
  if (fault.delayMs) await delay(fault.delayMs);
  if (fault.drop) {
    req.socket.destroy();
    return true;
  }
  const targets = deps.redirectTargets?.();
  if (fault.redirect && targets) {
    res.writeHead(fault.redirect.status, {
      ...fault.headers,
      Location: redirectLocation(fault.redirect, url, targets),
      'Content-Length': '0',
    });
    res.end();
    return true;
  }
  if (fault.status === undefined) return false;
  const headers = { ...(fault.headers ?? {}) };
  if (fault.aad) {
    const body = buildAadError({ ...fault.aad, nowMs: deps.clock.nowMs(), origin: deps.origin() });
    sendJson(res, fault.status, body, { 'x-ms-request-id': body.trace_id, ...headers });
    return true;
  }
  if (typeof fault.body === 'string' || fault.body === undefined) {
    res.writeHead(fault.status, headers);
    res.end(fault.body ?? '');
  } else {
    sendJson(res, fault.status, fault.body, headers);
  }
  return true;
}

async function pipeline(deps: PipelineDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const url = new URL(req.url ?? '/', deps.origin());
  const internal = deps.isInternal?.(url.pathname) ?? false;
  if (!internal) {
    const entry = record(deps, req, url, body);
    res.on('finish', () => {
      entry.status = res.statusCode;
      deps.log?.(`${deps.host} ${entry.method} ${entry.path} -> ${res.statusCode}`);
      const q = (req.url ?? '').indexOf('?');
      deps.requestLog?.append(entry, { rawQuery: q < 0 ? '' : (req.url ?? '').slice(q + 1), bodyBytes: body.length });
    });
    res.on('close', () => {
      if (!res.writableFinished) entry.closedByClient = true;
    });
    const fault = takeFault(deps.state.faults, deps.host, entry.method, url.pathname);
    if (fault && (await applyFault(deps, fault, req, res, url))) return;
  }
  const handler = deps.handler();
  if (!handler) return sendJson(res, 503, { error: 'starting', error_description: 'The emulator is starting.' });
  await handler(req, res, { url, body });
}

export function createOriginServer(tls: TlsMaterial, deps: PipelineDeps): Server {
  return createServer({ key: tls.leafKeyPem, cert: tls.leafCertPem }, (req, res) => {
    pipeline(deps, req, res).catch((err: unknown) => {
      deps.log?.(`${deps.host} ${req.method ?? ''} ${req.url?.split('?')[0] ?? ''} failed: ${String(err)}`);
      if (!res.headersSent)
        sendJson(res, 500, { error: 'server_error', error_description: 'Emulator internal error.' });
      else res.destroy();
    });
  });
}

export async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
