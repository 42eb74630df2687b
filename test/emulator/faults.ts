/**
 * Fault injection (spec §11): one-shot or sticky canned responses, delays and dropped connections
 * for requests on any origin (entra, graph, api), matched by host, method and a path regex; also
 * redirects to the redirect target's other origins (redirect-target.ts) and requests held without
 * an answer until the client gives up or the control plane releases them.
 */
import { z } from 'zod';

export const faultSpecSchema = z.object({
  host: z.enum(['entra', 'graph', 'api']),
  method: z.string().min(1).optional(),
  /** Regular expression (source text) tested against the path (without query). */
  pathPattern: z.string().min(1).optional(),
  /** How many matching requests fail (default 1); ignored with `always`. */
  count: z.number().int().positive().optional(),
  always: z.boolean().optional(),
  status: z.number().int().min(100).max(599).optional(),
  /** JSON value (sent as JSON) or a string (sent verbatim). */
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
  /** Destroy the connection instead of answering. */
  drop: z.boolean().optional(),
  /**
   * Answer with a redirect to the same path and query on another origin: `other-origin` (the redirect
   * target's https listener) or `http` (its plain-http listener). Both record the Authorization
   * header of every request they get (`control.redirectTargetRequests()`).
   */
  redirect: z
    .object({
      to: z.enum(['other-origin', 'http']),
      status: z.union([z.literal(301), z.literal(302), z.literal(303), z.literal(307), z.literal(308)]).default(302),
    })
    .optional(),
  /**
   * Give no answer until the client closes the connection (the log entry gets `closedByClient`) or
   * `control.releaseHeld()` is called (then the fault's other effects, or the normal answer, follow).
   */
  hold: z.boolean().optional(),
  /** Entra only: answer with a real AADSTS body (§6) instead of `body`, e.g. {error:'temporarily_unavailable', code:90055}. */
  aad: z.object({ error: z.string().min(1), code: z.number().int(), suberror: z.string().optional() }).optional(),
});
export type FaultInput = z.input<typeof faultSpecSchema>;
type ParsedFault = z.infer<typeof faultSpecSchema>;

export interface FaultSpec extends ParsedFault {
  id: number;
  remaining: number;
}

/** Where a `redirect` fault points: the same path and query on the chosen origin. */
export function redirectLocation(
  redirect: NonNullable<ParsedFault['redirect']>,
  url: URL,
  targets: { httpsOrigin: string; httpOrigin: string },
): string {
  const origin = redirect.to === 'http' ? targets.httpOrigin : targets.httpsOrigin;
  return `${origin}${url.pathname}${url.search}`;
}

export function createFault(input: ParsedFault, id: number): FaultSpec {
  return { ...input, id, remaining: input.always ? Number.POSITIVE_INFINITY : (input.count ?? 1) };
}

/** Finds the first matching fault and consumes one use of it. */
export function takeFault(
  faults: FaultSpec[],
  host: FaultInput['host'],
  method: string,
  path: string,
): FaultSpec | undefined {
  const index = faults.findIndex(
    (f) =>
      f.host === host &&
      f.remaining > 0 &&
      (f.method === undefined || f.method.toUpperCase() === method.toUpperCase()) &&
      (f.pathPattern === undefined || new RegExp(f.pathPattern).test(path)),
  );
  if (index < 0) return undefined;
  const fault = faults[index];
  if (!fault) return undefined;
  fault.remaining -= 1;
  if (fault.remaining <= 0) faults.splice(index, 1);
  return fault;
}
