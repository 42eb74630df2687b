/**
 * Graph error model (spec §8.2): `{"error":{"code","message","innerError":{date,request-id,client-request-id}}}`.
 * Handlers throw GraphHttpError; the dispatcher renders it with the request's ids.
 */

export class GraphHttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  /** OneDrive-style nested innerError.code (e.g. throttledRequest). */
  readonly innerCode: string | undefined;

  constructor(opts: {
    status: number;
    code: string;
    message: string;
    headers?: Record<string, string>;
    innerCode?: string;
  }) {
    super(opts.message);
    this.status = opts.status;
    this.code = opts.code;
    this.headers = opts.headers ?? {};
    this.innerCode = opts.innerCode;
  }
}

/** Graph's innerError.date format: `2026-01-01T12:00:00` (UTC, no zone, no fraction). */
export function graphErrorDate(nowMs: number): string {
  return new Date(nowMs).toISOString().slice(0, 19);
}

export function errorBody(
  err: GraphHttpError,
  ids: { nowMs: number; requestId: string; clientRequestId: string },
): { error: Record<string, unknown> } {
  const inner: Record<string, unknown> = {
    date: graphErrorDate(ids.nowMs),
    'request-id': ids.requestId,
    'client-request-id': ids.clientRequestId,
  };
  if (err.innerCode) inner.code = err.innerCode;
  return { error: { code: err.code, message: err.message, innerError: inner } };
}

export function badRequest(code: string, message: string): GraphHttpError {
  return new GraphHttpError({ status: 400, code, message });
}

export function notFound(code: string, message: string): GraphHttpError {
  return new GraphHttpError({ status: 404, code, message });
}

/** Real text for an unknown path segment. */
export function segmentNotFound(segment: string): GraphHttpError {
  return badRequest('BadRequest', `Resource not found for the segment '${segment}'.`);
}

export function invalidJsonPayload(): GraphHttpError {
  return badRequest(
    'BadRequest',
    'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
  );
}

export function outlookNotFound(): GraphHttpError {
  return notFound('ErrorItemNotFound', 'The specified object was not found in the store.');
}

export function directoryNotFound(id: string): GraphHttpError {
  return notFound(
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

export function driveNotFound(): GraphHttpError {
  return notFound('itemNotFound', 'The resource could not be found.');
}
