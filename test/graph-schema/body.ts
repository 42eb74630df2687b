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

/** One problem with a body; `unknown` when it names a property/parameter the schema lacks. */
export interface BodyIssue {
  text: string;
  unknown?: { kind: 'property' | 'parameter'; name: string; /** type or operation */ of: string };
}

export interface BodyOptions {
  /** Match property names case-insensitively (the emulator; the request check stays exact). */
  caseInsensitive?: boolean;
}

interface Ctx extends BodyOptions {
  schema: Schema;
  errors: BodyIssue[];
}

function issue(ctx: Ctx, text: string, unknown?: BodyIssue['unknown']): void {
  ctx.errors.push(unknown ? { text, unknown } : { text });
}

/** The schema's spelling of `key` on `type` (exact, or case-insensitive when asked). */
function spelled(ctx: Ctx, type: string, key: string): string {
  if (!ctx.caseInsensitive || ctx.schema.property(type, key) || ctx.schema.navigation(type, key)) return key;
  const lower = key.toLowerCase();
  return ctx.schema.memberNames(type).find((n) => n.toLowerCase() === lower) ?? key;
}

function checkPrimitive(ctx: Ctx, type: string, value: unknown, where: string): void {
  const k = kindOf(value);
  const enumMembers = ctx.schema.model.enums[type];
  if (enumMembers) {
    if (k !== 'string') {
      issue(ctx, `\`${where}\`: ${type} is an enum; expected a member name, got ${k}`);
      return;
    }
    const lower = new Set(enumMembers.map((m) => m.toLowerCase()));
    for (const part of String(value).split(',')) {
      if (!lower.has(part.trim().toLowerCase())) {
        issue(ctx, `\`${where}\`: \`${part.trim()}\` is not a member of ${type} (${enumMembers.join(', ')})`);
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
  if (!ok) issue(ctx, `\`${where}\`: expected ${type}, got ${k}`);
}

function checkValue(ctx: Ctx, ref: TypeRef, value: unknown, where: string): void {
  if (value === null) return;
  if (ref.collection) {
    if (!Array.isArray(value)) {
      issue(ctx, `\`${where}\`: expected a collection of ${ref.type}, got ${kindOf(value)}`);
      return;
    }
    value.forEach((v, i) => checkValue(ctx, { type: ref.type, collection: false }, v, `${where}[${i}]`));
    return;
  }
  if (ctx.schema.type(ref.type)) {
    if (!isObject(value)) {
      issue(ctx, `\`${where}\`: expected an object of ${ref.type}, got ${kindOf(value)}`);
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
    if (!t) issue(ctx, `\`${where}.@odata.type\`: no type \`${odataType}\` in the schema`);
    else if (!schema.isSameOrDerived(t, declared)) issue(ctx, `\`${where}.@odata.type\`: ${t} is not a ${declared}`);
    else type = t;
  }
  for (const [key, value] of Object.entries(obj)) {
    const at = `${where}.${key}`;
    const ann = key.indexOf('@');
    if (ann === 0) continue; // instance annotations: @odata.type, @microsoft.graph.conflictBehavior, …
    if (ann > 0) {
      const prop = spelled(ctx, type, key.slice(0, ann));
      if (!schema.navigation(type, prop) && !schema.property(type, prop))
        issue(ctx, `\`${at}\`: no property \`${prop}\` on ${type}`, { kind: 'property', name: prop, of: type });
      continue;
    }
    const name = spelled(ctx, type, key);
    const p = schema.property(type, name);
    if (p) {
      checkValue(ctx, p, value, at);
      continue;
    }
    const n = schema.navigation(type, name);
    if (n) {
      checkValue(ctx, n, value, at); // deep insert
      continue;
    }
    // A pure property bag (an open type declaring no properties: a list item's fieldValueSet) takes
    // any name. Other open types (Outlook's message, …) still refuse unknown names, as the service does.
    const def = schema.type(type);
    if (def?.openType === true && Object.keys(def.properties).length === 0) continue;
    issue(ctx, `\`${at}\`: no property \`${key}\` on ${type}`, { kind: 'property', name: key, of: type });
  }
}

/** POST/PATCH payload of an entity or complex type. */
export function checkEntityBody(schema: Schema, type: string, body: unknown, opts: BodyOptions = {}): BodyIssue[] {
  const ctx: Ctx = { ...opts, schema, errors: [] };
  if (!isObject(body)) return [{ text: `body: expected a JSON object of ${type}, got ${kindOf(body)}` }];
  checkStructured(ctx, type, body, 'body');
  return ctx.errors;
}

/** Action payload: parameters by name (case-insensitive), their values by declared type (exact names). */
export function checkActionBody(schema: Schema, op: OperationDef, body: unknown, opts: BodyOptions = {}): BodyIssue[] {
  const ctx: Ctx = { ...opts, schema, errors: [] };
  const params = new Map(op.parameters.map((p) => [p.name.toLowerCase(), p]));
  const names = op.parameters.map((p) => p.name).join(', ') || 'none';
  if (body === undefined || (isObject(body) && Object.keys(body).length === 0)) {
    const required = op.parameters.filter((p) => p.notNull && !p.optional);
    return required.map((p) => ({ text: `body: action ${op.name} needs \`${p.name}\`` }));
  }
  if (!isObject(body))
    return [{ text: `body: expected a JSON object of ${op.name}'s parameters, got ${kindOf(body)}` }];
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(body)) {
    const p = params.get(key.toLowerCase());
    if (!p) {
      const text = `\`body.${key}\`: action ${op.name} has no parameter \`${key}\` (parameters: ${names})`;
      issue(ctx, text, { kind: 'parameter', name: key, of: op.name });
      continue;
    }
    seen.add(p.name);
    checkValue(ctx, p, value, `body.${key}`);
  }
  for (const p of op.parameters) {
    if (p.notNull && !p.optional && !seen.has(p.name)) issue(ctx, `body: action ${op.name} needs \`${p.name}\``);
  }
  return ctx.errors;
}
