/** What every Entra endpoint handler shares: state, clock, keys and the public origins. */
import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { buildAadError, type AadErrorInput } from '../errors.ts';
import { sendJson } from '../http.ts';
import type { SigningKey } from '../jwt.ts';
import type { EmulatorState } from '../state.ts';
import type { EmulatorClock } from '../types.ts';

export interface EntraContext {
  state: EmulatorState;
  clock: EmulatorClock;
  /** e.g. https://localhost:8443 — every URL the Entra half emits starts with it. */
  origin: string;
  graphOrigin: string;
  tenantId: string;
  tenantDomain: string;
  /** keys[0] signs; every key in the list verifies (rotation keeps the previous one). */
  keys: SigningKey[];
}

export const TENANT_ALIASES = ['common', 'organizations', 'consumers'] as const;

/** Resolves a path tenant segment (GUID, domain or alias); undefined for an unknown tenant. */
export function resolveTenant(ctx: EntraContext, segment: string): string | undefined {
  const s = segment.toLowerCase();
  if (s === ctx.tenantId || s === ctx.tenantDomain.toLowerCase()) return ctx.tenantId;
  if ((TENANT_ALIASES as readonly string[]).includes(s)) return ctx.tenantId;
  return undefined;
}

export const NO_CACHE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store, no-cache',
  Pragma: 'no-cache',
  Expires: '-1',
  'x-ms-ests-server': '2.1.emulator',
};

export type AadErrorSpec = Omit<AadErrorInput, 'nowMs' | 'origin'>;

/** Sends an AADSTS JSON error body (token/devicecode endpoints). */
export function sendAadError(
  ctx: EntraContext,
  res: ServerResponse,
  status: number,
  spec: AadErrorSpec,
  headers: Record<string, string> = {},
): void {
  const traceId = spec.traceId ?? randomUUID();
  const body = buildAadError({ ...spec, traceId, nowMs: ctx.clock.nowMs(), origin: ctx.origin });
  sendJson(res, status, body, {
    ...NO_CACHE_HEADERS,
    'x-ms-request-id': traceId,
    'x-ms-clitelem': `1,${spec.code},0,,`,
    ...headers,
  });
}
