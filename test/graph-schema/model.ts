/**
 * The compiled Microsoft Graph v1.0 schema (from Microsoft's CSDL, see csdl.ts) as plain JSON data,
 * plus the lookups every checker needs (inheritance, derived types, bound operations).
 * All type names are fully qualified (`microsoft.graph.message`, `Edm.String`); aliases are resolved.
 */

export interface TypeRef {
  /** Fully qualified: `microsoft.graph.recipient`, `Edm.String`. */
  type: string;
  collection: boolean;
}

export interface PropertyDef extends TypeRef {
  /** Nullable="false" in the schema. */
  notNull?: boolean;
}

export interface NavigationDef extends TypeRef {
  containsTarget: boolean;
}

export interface StructuredTypeDef {
  name: string;
  kind: 'entity' | 'complex';
  baseType?: string;
  abstract?: boolean;
  openType?: boolean;
  hasStream?: boolean;
  properties: Record<string, PropertyDef>;
  navigation: Record<string, NavigationDef>;
}

export interface ParameterDef extends TypeRef {
  name: string;
  optional?: boolean;
  notNull?: boolean;
}

export interface OperationDef {
  kind: 'action' | 'function';
  /** Fully qualified: `microsoft.graph.sendMail`. */
  name: string;
  binding: TypeRef;
  /** Parameters after the binding parameter. */
  parameters: ParameterDef[];
  returns?: TypeRef;
  composable?: boolean;
}

export interface SchemaModel {
  format: 1;
  /** SHA-256 of the CSDL file (gzipped bytes) this model was compiled from. */
  sourceSha256: string;
  types: Record<string, StructuredTypeDef>;
  /** Enum type → its member names. */
  enums: Record<string, string[]>;
  /** Entity set name → entity type. */
  entitySets: Record<string, string>;
  /** Singleton name → entity type. */
  singletons: Record<string, string>;
  /** Operation simple name (`send`) → its overloads in every namespace. */
  operations: Record<string, OperationDef[]>;
  /** Target path (`microsoft.graph.driveItem/children`) → Insertable=false / Updatable=false / Deletable=false. */
  restrictions: Record<string, { insertable?: false; updatable?: false; deletable?: false }>;
}

/** Lookups over a SchemaModel (built once per model). */
export interface Schema {
  readonly model: SchemaModel;
  type(name: string): StructuredTypeDef | undefined;
  isEnum(name: string): boolean;
  /** The type itself and its base types, most derived first. */
  ancestry(name: string): StructuredTypeDef[];
  /** Every type deriving (directly or not) from `name`, excluding itself. */
  derived(name: string): string[];
  isSameOrDerived(name: string, base: string): boolean;
  property(typeName: string, prop: string): PropertyDef | undefined;
  navigation(typeName: string, prop: string): NavigationDef | undefined;
  /** Structural + navigation property names, with inheritance. */
  memberNames(typeName: string): string[];
  /** Overloads named `name` (simple or qualified) bindable to `binding` (inheritance applies). */
  boundOperations(name: string, binding: TypeRef): OperationDef[];
  /** `microsoft.graph.fileAttachment` / `graph.fileAttachment` → qualified name when it is a structured type. */
  qualifiedType(name: string): string | undefined;
}

const ALIASES: Record<string, string> = { graph: 'microsoft.graph' };

export function createSchema(model: SchemaModel): Schema {
  const derivedOf = new Map<string, string[]>();
  for (const t of Object.values(model.types)) {
    if (!t.baseType) continue;
    const list = derivedOf.get(t.baseType) ?? [];
    list.push(t.name);
    derivedOf.set(t.baseType, list);
  }
  const ancestryCache = new Map<string, StructuredTypeDef[]>();
  const ancestry = (name: string): StructuredTypeDef[] => {
    const hit = ancestryCache.get(name);
    if (hit) return hit;
    const out: StructuredTypeDef[] = [];
    let cur = model.types[name];
    while (cur && out.length < 64) {
      out.push(cur);
      cur = cur.baseType ? model.types[cur.baseType] : undefined;
    }
    ancestryCache.set(name, out);
    return out;
  };
  const derived = (name: string): string[] => {
    const out: string[] = [];
    const queue = [...(derivedOf.get(name) ?? [])];
    while (queue.length > 0) {
      const n = queue.shift() as string;
      out.push(n);
      queue.push(...(derivedOf.get(n) ?? []));
    }
    return out;
  };
  const isSameOrDerived = (name: string, base: string): boolean => ancestry(name).some((t) => t.name === base);
  const qualifiedType = (name: string): string | undefined => {
    if (model.types[name]) return name;
    const dot = name.indexOf('.');
    const alias = dot > 0 ? ALIASES[name.slice(0, dot)] : undefined;
    const full = alias ? `${alias}${name.slice(dot)}` : undefined;
    return full && model.types[full] ? full : undefined;
  };
  return {
    model,
    type: (name) => model.types[name],
    isEnum: (name) => model.enums[name] !== undefined,
    ancestry,
    derived,
    isSameOrDerived,
    qualifiedType,
    property: (typeName, prop) => {
      for (const t of ancestry(typeName)) if (Object.hasOwn(t.properties, prop)) return t.properties[prop];
      return undefined;
    },
    navigation: (typeName, prop) => {
      for (const t of ancestry(typeName)) if (Object.hasOwn(t.navigation, prop)) return t.navigation[prop];
      return undefined;
    },
    memberNames: (typeName) =>
      ancestry(typeName).flatMap((t) => [...Object.keys(t.properties), ...Object.keys(t.navigation)]),
    boundOperations: (name, binding) => {
      const simple = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : name;
      const qualified = name.includes('.') ? (qualifiedNamespace(name) ?? name) : undefined;
      return (model.operations[simple] ?? []).filter(
        (op) =>
          (qualified === undefined || op.name === qualified) &&
          op.binding.collection === binding.collection &&
          (op.binding.type === binding.type || isSameOrDerived(binding.type, op.binding.type)),
      );
    },
  };
}

function qualifiedNamespace(name: string): string | undefined {
  const dot = name.indexOf('.');
  const alias = dot > 0 ? ALIASES[name.slice(0, dot)] : undefined;
  return alias ? `${alias}${name.slice(dot)}` : undefined;
}
