/**
 * JSON request bodies checked against the schema: entity/complex payloads (POST to a collection,
 * PATCH of an entity or complex property) property by property, nested values by their declared
 * type (`@odata.type` switches to a derived type), enum members, JSON kinds of primitives; action
 * payloads against the action's parameters — compared case-insensitively, because the schema
 * declares `Message`/`SaveToSentItems` while the service and its docs use camelCase.
 */
import type { OperationDef, Schema, TypeRef } from './model.ts';

const STRING_TYPES = new Set([
  'Edm.String',
  'Edm.DateTimeOffset',
  'Edm.Date',
  'Edm.TimeOfDay',
  'Edm.Duration',
  'Edm.Guid',
  'Edm.Binary',
]);
const NUMBER_TYPES = new Set(['Edm.Int16', 'Edm.Int32', 'Edm.Byte', 'Edm.SByte', 'Edm.Double', 'Edm.Single']);
/** IEEE754Compatible clients may send these as strings. */
const NUMBER_OR_STRING_TYPES = new Set(['Edm.Int64', 'Edm.Decimal']);

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

interface Ctx {
  schema: Schema;
  errors: string[];
}

function checkPrimitive(ctx: Ctx, type: string, value: unknown, where: string): void {
  const k = kindOf(value);
  const enumMembers = ctx.schema.model.enums[type];
  if (enumMembers) {
    if (k !== 'string') {
      ctx.errors.push(`\`${where}\`: ${type} is an enum; expected a member name, got ${k}`);
      return;
    }
    const lower = new Set(enumMembers.map((m) => m.toLowerCase()));
    for (const part of String(value).split(',')) {
      if (!lower.has(part.trim().toLowerCase())) {
        ctx.errors.push(`\`${where}\`: \`${part.trim()}\` is not a member of ${type} (${enumMembers.join(', ')})`);
      }
    }
    return;
  }
  const ok =
    type === 'Edm.Untyped' ||
    type === 'Edm.PrimitiveType' ||
    (STRING_TYPES.has(type) && k === 'string') ||
    (NUMBER_TYPES.has(type) && k === 'number') ||
    (NUMBER_OR_STRING_TYPES.has(type) && (k === 'number' || k === 'string')) ||
    (type === 'Edm.Boolean' && k === 'boolean') ||
    (type === 'Edm.Stream' && k === 'string') ||
    (!STRING_TYPES.has(type) &&
      !NUMBER_TYPES.has(type) &&
      !NUMBER_OR_STRING_TYPES.has(type) &&
      type !== 'Edm.Boolean' &&
      type !== 'Edm.Stream');
  if (!ok) ctx.errors.push(`\`${where}\`: expected ${type}, got ${k}`);
}

function checkValue(ctx: Ctx, ref: TypeRef, value: unknown, where: string): void {
  if (value === null) return;
  if (ref.collection) {
    if (!Array.isArray(value)) {
      ctx.errors.push(`\`${where}\`: expected a collection of ${ref.type}, got ${kindOf(value)}`);
      return;
    }
    value.forEach((v, i) => checkValue(ctx, { type: ref.type, collection: false }, v, `${where}[${i}]`));
    return;
  }
  if (ctx.schema.type(ref.type)) {
    if (!isObject(value)) {
      ctx.errors.push(`\`${where}\`: expected an object of ${ref.type}, got ${kindOf(value)}`);
      return;
    }
    checkStructured(ctx, ref.type, value, where);
    return;
  }
  checkPrimitive(ctx, ref.type, value, where);
}

/** An object of `type` (entity or complex), field by field. */
function checkStructured(ctx: Ctx, declared: string, obj: Record<string, unknown>, where: string): void {
  const { schema } = ctx;
  let type = declared;
  const odataType = obj['@odata.type'];
  if (typeof odataType === 'string') {
    const t = schema.qualifiedType(odataType.replace(/^#/, ''));
    if (!t) ctx.errors.push(`\`${where}.@odata.type\`: no type \`${odataType}\` in the schema`);
    else if (!schema.isSameOrDerived(t, declared))
      ctx.errors.push(`\`${where}.@odata.type\`: ${t} is not a ${declared}`);
    else type = t;
  }
  for (const [key, value] of Object.entries(obj)) {
    const at = `${where}.${key}`;
    const ann = key.indexOf('@');
    if (ann === 0) continue; // instance annotations: @odata.type, @microsoft.graph.conflictBehavior, …
    if (ann > 0) {
      const prop = key.slice(0, ann);
      if (!schema.navigation(type, prop) && !schema.property(type, prop))
        ctx.errors.push(`\`${at}\`: no property \`${prop}\` on ${type}`);
      continue;
    }
    const p = schema.property(type, key);
    if (p) {
      checkValue(ctx, p, value, at);
      continue;
    }
    const n = schema.navigation(type, key);
    if (n) {
      checkValue(ctx, n, value, at); // deep insert
      continue;
    }
    ctx.errors.push(`\`${at}\`: no property \`${key}\` on ${type}`);
  }
}

/** POST/PATCH payload of an entity or complex type. */
export function checkEntityBody(schema: Schema, type: string, body: unknown): string[] {
  const ctx: Ctx = { schema, errors: [] };
  if (!isObject(body)) return [`body: expected a JSON object of ${type}, got ${kindOf(body)}`];
  checkStructured(ctx, type, body, 'body');
  return ctx.errors;
}

/** Action payload: parameters by name (case-insensitive), their values by declared type (exact names). */
export function checkActionBody(schema: Schema, op: OperationDef, body: unknown): string[] {
  const ctx: Ctx = { schema, errors: [] };
  const params = new Map(op.parameters.map((p) => [p.name.toLowerCase(), p]));
  const names = op.parameters.map((p) => p.name).join(', ') || 'none';
  if (body === undefined || (isObject(body) && Object.keys(body).length === 0)) {
    const required = op.parameters.filter((p) => p.notNull && !p.optional);
    return required.map((p) => `body: action ${op.name} needs \`${p.name}\``);
  }
  if (!isObject(body)) return [`body: expected a JSON object of ${op.name}'s parameters, got ${kindOf(body)}`];
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(body)) {
    const p = params.get(key.toLowerCase());
    if (!p) {
      ctx.errors.push(`\`body.${key}\`: action ${op.name} has no parameter \`${key}\` (parameters: ${names})`);
      continue;
    }
    seen.add(p.name);
    checkValue(ctx, p, value, `body.${key}`);
  }
  for (const p of op.parameters) {
    if (p.notNull && !p.optional && !seen.has(p.name)) ctx.errors.push(`body: action ${op.name} needs \`${p.name}\``);
  }
  return ctx.errors;
}
