/**
 * Compiles Microsoft's Graph CSDL (OData v4 `$metadata` XML) into a SchemaModel.
 *
 * A small dependency-free scan, not a general XML parser: the file is machine-generated, well-formed,
 * has no DTD, CDATA or processing instructions beyond the declaration, and everything we need lives
 * in start tags and their attributes (element text only carries descriptions we skip). So a single
 * regex pass over tags with an element stack is enough and compiles the 3.5 MB file in well under
 * a second; an XML parser dependency would buy nothing here.
 */
import type {
  NavigationDef,
  OperationDef,
  ParameterDef,
  PropertyDef,
  SchemaModel,
  StructuredTypeDef,
  TypeRef,
} from './model.ts';

interface Tag {
  name: string;
  attrs: Record<string, string>;
  selfClosing: boolean;
  closing: boolean;
}

const TAG =
  /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g;
const ATTR = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

function decodeEntities(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_m, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    return String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

function* tags(xml: string): Generator<Tag> {
  TAG.lastIndex = 0;
  for (let m = TAG.exec(xml); m; m = TAG.exec(xml)) {
    if (m[2] === undefined) continue; // comment or declaration
    const attrs: Record<string, string> = {};
    const rawAttrs = m[3] ?? '';
    ATTR.lastIndex = 0;
    for (let a = ATTR.exec(rawAttrs); a; a = ATTR.exec(rawAttrs)) {
      attrs[a[1] as string] = decodeEntities(a[2] ?? a[3] ?? '');
    }
    yield { name: m[2], attrs, selfClosing: m[4] === '/', closing: m[1] === '/' };
  }
}

/** Builds the alias → namespace map first (types reference each other across schemas). */
function aliasesOf(xml: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of tags(xml)) {
    if (t.name !== 'Schema' || t.closing) continue;
    const ns = t.attrs.Namespace;
    if (ns && t.attrs.Alias) out.set(t.attrs.Alias, ns);
  }
  return out;
}

function makeQualifier(aliases: Map<string, string>): (name: string) => string {
  return (name) => {
    for (const [alias, ns] of aliases) {
      if (name.startsWith(`${alias}.`)) return `${ns}${name.slice(alias.length)}`;
    }
    return name;
  };
}

function makeTypeRef(qualify: (n: string) => string): (raw: string) => TypeRef {
  return (raw) => {
    const m = /^Collection\((.+)\)$/.exec(raw);
    return m?.[1] ? { type: qualify(m[1]), collection: true } : { type: qualify(raw), collection: false };
  };
}

type Restriction = 'insertable' | 'updatable' | 'deletable';
const RESTRICTION_PROPS: Record<string, Restriction> = {
  Insertable: 'insertable',
  Updatable: 'updatable',
  Deletable: 'deletable',
};

function newModel(sourceSha256: string): SchemaModel {
  return {
    format: 1,
    sourceSha256,
    types: {},
    enums: {},
    entitySets: {},
    singletons: {},
    operations: {},
    restrictions: {},
  };
}

/** Compiles the CSDL text; `sourceSha256` identifies the file it came from (for the cache). */
export function compileCsdl(xml: string, sourceSha256: string): SchemaModel {
  const qualify = makeQualifier(aliasesOf(xml));
  const typeRef = makeTypeRef(qualify);
  const model = newModel(sourceSha256);
  const stack: Tag[] = [];
  let namespace = '';
  let type: StructuredTypeDef | undefined;
  let op: OperationDef | undefined;
  let param: ParameterDef | undefined;

  /** What a capability annotation at this point applies to: `Type/nav`, `Container/set` or a type. */
  const annotationTarget = (): string | undefined => {
    for (let i = stack.length - 1; i >= 0; i--) {
      const t = stack[i] as Tag;
      if (t.name === 'Annotations') return qualify(t.attrs.Target ?? '');
      if (t.name === 'NavigationProperty' && type) return `${type.name}/${t.attrs.Name ?? ''}`;
      if (t.name === 'EntitySet' || t.name === 'Singleton') return `${namespace}.GraphService/${t.attrs.Name ?? ''}`;
      if (t.name === 'EntityType' || t.name === 'ComplexType') return type?.name;
    }
    return undefined;
  };

  const inRestrictionAnnotation = (): boolean =>
    stack.some(
      (t) =>
        t.name === 'Annotation' &&
        /^Org\.OData\.Capabilities\.V1\.(Insert|Update|Delete)Restrictions$/.test(t.attrs.Term ?? ''),
    );

  const open = (tag: Tag): void => {
    const a = tag.attrs;
    switch (tag.name) {
      case 'Schema':
        namespace = a.Namespace ?? '';
        return;
      case 'EntityType':
      case 'ComplexType': {
        type = {
          name: `${namespace}.${a.Name ?? ''}`,
          kind: tag.name === 'EntityType' ? 'entity' : 'complex',
          properties: {},
          navigation: {},
        };
        if (a.BaseType) type.baseType = qualify(a.BaseType);
        if (a.Abstract === 'true') type.abstract = true;
        if (a.OpenType === 'true') type.openType = true;
        if (a.HasStream === 'true') type.hasStream = true;
        model.types[type.name] = type;
        return;
      }
      case 'EnumType':
        model.enums[`${namespace}.${a.Name ?? ''}`] = [];
        return;
      case 'Member': {
        const parent = stack[stack.length - 1];
        if (parent?.name === 'EnumType') model.enums[`${namespace}.${parent.attrs.Name ?? ''}`]?.push(a.Name ?? '');
        return;
      }
      case 'Property':
        if (type && a.Name && a.Type) {
          const p: PropertyDef = typeRef(a.Type);
          if (a.Nullable === 'false') p.notNull = true;
          type.properties[a.Name] = p;
        }
        return;
      case 'NavigationProperty':
        if (type && a.Name && a.Type) {
          const n: NavigationDef = { ...typeRef(a.Type), containsTarget: a.ContainsTarget === 'true' };
          type.navigation[a.Name] = n;
        }
        return;
      case 'Action':
      case 'Function':
        op = {
          kind: tag.name === 'Action' ? 'action' : 'function',
          name: `${namespace}.${a.Name ?? ''}`,
          binding: { type: '', collection: false },
          parameters: [],
        };
        if (a.IsComposable === 'true') op.composable = true;
        if (a.IsBound === 'true') (model.operations[a.Name ?? ''] ??= []).push(op);
        return;
      case 'Parameter': {
        param = undefined;
        if (!op || !a.Name || !a.Type) return;
        const ref = typeRef(a.Type);
        if (op.binding.type === '') {
          op.binding = ref;
          return;
        }
        param = { name: a.Name, ...ref };
        if (a.Nullable === 'false') param.notNull = true;
        op.parameters.push(param);
        return;
      }
      case 'ReturnType':
        if (op && a.Type) op.returns = typeRef(a.Type);
        return;
      case 'EntitySet':
        if (a.Name && a.EntityType) model.entitySets[a.Name] = qualify(a.EntityType);
        return;
      case 'Singleton':
        if (a.Name && a.Type) model.singletons[a.Name] = qualify(a.Type);
        return;
      case 'Annotation':
        if (
          a.Term === 'Org.OData.Core.V1.OptionalParameter' &&
          param &&
          stack[stack.length - 1]?.name === 'Parameter'
        ) {
          param.optional = true;
        }
        return;
      case 'PropertyValue': {
        const r = RESTRICTION_PROPS[a.Property ?? ''];
        const target = r && a.Bool === 'false' && inRestrictionAnnotation() ? annotationTarget() : undefined;
        if (r && target) (model.restrictions[target] ??= {})[r] = false;
        return;
      }
      default:
        return;
    }
  };

  const close = (tag: Tag | undefined): void => {
    if (!tag) return;
    if (tag.name === 'EntityType' || tag.name === 'ComplexType') type = undefined;
    if (tag.name === 'Action' || tag.name === 'Function') op = undefined;
    if (tag.name === 'Parameter') param = undefined;
  };

  for (const tag of tags(xml)) {
    if (tag.closing) {
      close(stack.pop());
      continue;
    }
    open(tag);
    if (tag.selfClosing) close(tag);
    else stack.push(tag);
  }
  return model;
}
