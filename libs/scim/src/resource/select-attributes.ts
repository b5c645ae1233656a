import { ScimError } from '../errors/scim-error';
import { quoteForDetail } from '../filter/filter-builders';
import { findAttribute } from '../schema/attribute-definition';
import { UserSchema } from '../schema/user-schema';

/** Attributes that are always returned (RFC 7643 §7 `returned: always`, and `schemas`). */
const ALWAYS = new Set(['schemas', 'id']);

interface Selector {
  /** Top-level key in the rendered resource: a core attribute name, `meta`, or an extension URN. */
  readonly key: string;
  /** Attribute inside an extension object. */
  readonly attribute?: string;
  readonly subAttribute?: string;
}

/** Parses `attributes`/`excludedAttributes` lists (RFC 7644 §3.4.2.5); names are matched case-insensitively. */
export function parseAttributeList(schema: UserSchema, list: string | undefined): Selector[] | undefined {
  if (list === undefined || list.trim() === '') return undefined;
  // Names the schema does not know select nothing (RFC 7644 §3.9), so they are left out.
  return list.split(',').flatMap((raw) => toSelector(schema, raw.trim()) ?? []);
}

function toSelector(schema: UserSchema, name: string): Selector | undefined {
  const extension = schema.extension(name);
  if (extension) return { key: extension.id };
  const split = schema.splitUrn(name);
  // An extension this IdP does not have: nothing to select (its "2.0" would read as a sub-attribute).
  if (!split && name.toLowerCase().startsWith('urn:')) return undefined;
  const schemaId = split?.schemaId ?? schema.core.id;
  const [attributeName, subAttribute, ...extra] = (split ? split.rest : name).split('.');
  if (extra.length > 0 || !attributeName) throw ScimError.invalidValue(`${quoteForDetail(name)} is not an attribute name`);
  const serverOwned = schemaId === schema.core.id ? SERVER_OWNED.get(attributeName.toLowerCase()) : undefined;
  if (serverOwned) {
    if (subAttribute !== undefined && !serverOwned.complex) throw noSubAttributes(name, serverOwned.key);
    return { key: serverOwned.key, subAttribute };
  }
  const resolved = schema.resolve(schemaId, attributeName);
  if (!resolved) return undefined;
  const { definition } = resolved;
  let sub: string | undefined;
  if (subAttribute !== undefined) {
    if (definition.type !== 'complex') throw noSubAttributes(name, definition.name);
    sub = findAttribute(definition.subAttributes ?? [], subAttribute)?.name;
    // An unknown sub-attribute selects nothing, as an unknown attribute does.
    if (sub === undefined) return undefined;
  }
  if (resolved.schemaId === schema.core.id) return { key: definition.name, subAttribute: sub };
  return { key: resolved.schemaId, attribute: definition.name, subAttribute: sub };
}

/** Members every resource has that no schema attribute describes; only meta has sub-attributes. */
const SERVER_OWNED: ReadonlyMap<string, { key: string; complex: boolean }> = new Map([
  ['meta', { key: 'meta', complex: true }],
  ['id', { key: 'id', complex: false }],
  ['schemas', { key: 'schemas', complex: false }],
]);

function noSubAttributes(name: string, attribute: string): ScimError {
  return ScimError.invalidValue(`${quoteForDetail(name)} is not an attribute name: "${attribute}" has no sub-attributes`);
}

/** Applies `attributes` (keep only these) or else `excludedAttributes` (drop these) to a rendered resource. */
export function selectAttributes(
  resource: Record<string, unknown>,
  include: Selector[] | undefined,
  exclude: Selector[] | undefined,
): Record<string, unknown> {
  if (include) {
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(resource)) {
      if (ALWAYS.has(key)) result[key] = value;
    }
    for (const selector of include) copy(resource, result, selector);
    // `schemas` names only the extensions whose attributes are still in the answer.
    if (Array.isArray(result.schemas)) result.schemas = result.schemas.filter((id, i) => i === 0 || id in result);
    return result;
  }
  if (exclude) {
    const result = structuredClone(resource);
    for (const selector of exclude) if (!ALWAYS.has(selector.key)) remove(result, selector);
    if (Array.isArray(result.schemas)) result.schemas = result.schemas.filter((id, i) => i === 0 || id in result);
    return result;
  }
  return resource;
}

function copy(from: Record<string, unknown>, to: Record<string, unknown>, s: Selector): void {
  const value = from[s.key];
  if (value === undefined) return;
  if (s.attribute === undefined) {
    const kept = s.subAttribute ? pick(value, s.subAttribute, to[s.key]) : value;
    if (kept !== undefined) to[s.key] = kept;
    return;
  }
  const inner = (value as Record<string, unknown>)[s.attribute];
  if (inner === undefined) return;
  const target = (to[s.key] as Record<string, unknown> | undefined) ?? {};
  const kept = s.subAttribute ? pick(inner, s.subAttribute, target[s.attribute]) : inner;
  if (kept === undefined) return;
  target[s.attribute] = kept;
  to[s.key] = target;
}

/**
 * Keeps one sub-attribute of a complex value (or of each element), merged with what is already kept;
 * elements left empty are left out, and so is the attribute when nothing is left (RFC 7643 §2.5).
 */
function pick(value: unknown, sub: string, already: unknown): unknown {
  if (Array.isArray(value)) {
    const kept = already as Record<string, unknown>[] | undefined;
    const merged = value.map((element, i) => ({ ...(kept?.[i] ?? {}), ...only(element, sub) }));
    return merged.some((e) => Object.keys(e).length > 0) ? merged.filter((e) => Object.keys(e).length > 0) : undefined;
  }
  const merged = { ...((already as Record<string, unknown>) ?? {}), ...only(value, sub) };
  return Object.keys(merged).length > 0 ? merged : undefined;
}

function only(element: unknown, sub: string): Record<string, unknown> {
  return isRecord(element) && Object.hasOwn(element, sub) ? { [sub]: element[sub] } : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function remove(resource: Record<string, unknown>, s: Selector): void {
  const holder = s.attribute === undefined ? resource : (resource[s.key] as Record<string, unknown> | undefined);
  const key = s.attribute ?? s.key;
  if (!holder || holder[key] === undefined) return;
  if (!s.subAttribute) {
    delete holder[key];
    // An extension whose last attribute went leaves no empty object behind.
    if (s.attribute !== undefined && Object.keys(holder).length === 0) delete resource[s.key];
  } else {
    const target = holder[key];
    for (const element of Array.isArray(target) ? target : [target]) if (isRecord(element)) delete element[s.subAttribute];
  }
}
