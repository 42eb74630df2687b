/**
 * What the front accepts of a message (front-decide.ts): strict subsets of what the SDK's schemas
 * (ClientCapabilitiesSchema, InitializeRequestParamsSchema, CallToolRequestSchema) certainly accept.
 * Anything outside them is handed over to the real server, which answers as the SDK does.
 */
import type { ToolCallRequest } from './front.ts';

export type Json = Record<string, unknown>;
export type RequestId = string | number;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const hasOnly = (o: Json, keys: readonly string[]): boolean => Object.keys(o).every((k) => keys.includes(k));
export const optional = (v: unknown, check: (x: unknown) => boolean): boolean => v === undefined || check(v);
export const isString = (v: unknown): boolean => typeof v === 'string';
const isBoolean = (v: unknown): boolean => typeof v === 'boolean';
const isRecordOfObjects = (v: unknown): boolean => isObject(v) && Object.values(v).every(isObject);

/** Client capabilities the SDK's ClientCapabilitiesSchema certainly accepts (a strict subset). */
function simpleCapabilities(c: unknown): boolean {
  if (!isObject(c) || !hasOnly(c, ['roots', 'sampling', 'elicitation', 'experimental', 'extensions'])) return false;
  const { roots, sampling, elicitation } = c;
  return (
    optional(roots, (r) => isObject(r) && hasOnly(r, ['listChanged']) && optional(r.listChanged, isBoolean)) &&
    optional(
      sampling,
      (s) =>
        isObject(s) && hasOnly(s, ['context', 'tools']) && optional(s.context, isObject) && optional(s.tools, isObject),
    ) &&
    optional(
      elicitation,
      (e) =>
        isObject(e) &&
        hasOnly(e, ['form', 'url']) &&
        optional(e.form, (f) => isObject(f) && optional(f.applyDefaults, isBoolean)) &&
        optional(e.url, isObject),
    ) &&
    optional(c.experimental, isRecordOfObjects) &&
    optional(c.extensions, isRecordOfObjects)
  );
}

/** Initialize params the SDK's InitializeRequestParamsSchema certainly accepts (a strict subset). */
export function simpleInitializeParams(p: Json): p is Json & { protocolVersion: string } {
  const info = p.clientInfo;
  return (
    hasOnly(p, ['protocolVersion', 'capabilities', 'clientInfo']) &&
    typeof p.protocolVersion === 'string' &&
    simpleCapabilities(p.capabilities) &&
    isObject(info) &&
    hasOnly(info, ['name', 'title', 'version', 'websiteUrl', 'description']) &&
    typeof info.name === 'string' &&
    typeof info.version === 'string' &&
    optional(info.title, isString) &&
    optional(info.websiteUrl, isString) &&
    optional(info.description, isString)
  );
}

export const isRequestId = (id: unknown): id is RequestId =>
  typeof id === 'string' || (typeof id === 'number' && Number.isSafeInteger(id));

/**
 * tools/call params the SDK certainly accepts and McpServer serves from its tool map: a name that is
 * not an Object.prototype key (the SDK looks tools up in a plain object), arguments a JSON object
 * without an own `__proto__` (the SDK's record parse would drop it), `_meta` at most a progress token.
 */
export function simpleToolCall(p: Json): ToolCallRequest | undefined {
  const { name, arguments: args, _meta: meta } = p;
  if (!hasOnly(p, ['name', 'arguments', '_meta']) || typeof name !== 'string' || name in Object.prototype) return;
  if (args !== undefined && (!isObject(args) || Object.prototype.hasOwnProperty.call(args, '__proto__'))) return;
  if (meta !== undefined && !(isObject(meta) && hasOnly(meta, ['progressToken']) && isRequestId(meta.progressToken)))
    return;
  return { name, arguments: args };
}
